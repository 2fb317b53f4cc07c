"""Build the web fonts under static/fonts/ from Debian's Noto fonts (fonts-noto-core,
fonts-noto-cjk), subset to the scripts Homeward shows, as WOFF2. Run by hand when the list
changes (`python scripts/build_fonts.py`); the output is committed so that `make run` needs no
system fonts. OpenType layout features are kept: Khmer, Lao, Thai and Burmese need them for
shaping. Licence: SIL Open Font License 1.1 (static/fonts/OFL.txt)."""

from pathlib import Path

from fontTools import subset

NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = Path(__file__).resolve().parent.parent / "static" / "fonts"

PUNCTUATION = "U+0020-007E,U+00A0-00FF,U+200B-200D,U+2010-2027,U+25CC"
SCRIPTS = {
    # family file stem: unicode ranges
    "NotoSansKhmer": "U+1780-17FF,U+19E0-19FF",
    "NotoSansThai": "U+0E01-0E5B",
    "NotoSansLao": "U+0E81-0EFF",
    "NotoSansMyanmar": "U+1000-109F,U+A9E0-A9FF,U+AA60-AA7F",
}


def gb2312_level1() -> str:
    """The 3,755 most common simplified Chinese characters (GB 2312 level 1)."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars) + "，。、；：？！“”‘’（）《》【】…—·"


def build(src: Path, dest: Path, unicodes: str = "", text: str = "", font_number: int = 0):
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.font_number = font_number
    font = subset.load_font(str(src), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(unicodes) if unicodes else [], text=text)
    subsetter.subset(font)
    subset.save_font(font, str(dest), options)
    print(f"{dest.name}: {dest.stat().st_size // 1024} KiB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for stem, ranges in SCRIPTS.items():
        for weight in ("Regular", "Bold"):
            build(
                NOTO / f"{stem}-{weight}.ttf",
                OUT / f"{stem}-{weight}.woff2",
                unicodes=f"{ranges},{PUNCTUATION}",
            )
    # Noto Sans CJK: index 2 of the collection is the Simplified Chinese face.
    build(CJK, OUT / "NotoSansSC-Regular.woff2", text=gb2312_level1(), font_number=2)


if __name__ == "__main__":
    main()
