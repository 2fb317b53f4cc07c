"""`make bench`: every benchmark under bench/."""

from bench import pdf

if __name__ == "__main__":
    pdf.main()
