"""Date formats per language (FORMAT_MODULE_PATH). Every displayed date names the month in
words (or is year-first), so "2 December" never reads as "12 February" to a Cambodian, British
or American reader; times are 24-hour, so no "p.m.." double period after a sentence. A name not
set here falls back to Django's own locale formats (input formats, numbers)."""
