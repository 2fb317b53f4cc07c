# Khmer: Django's formats already name the month; 24-hour with two-digit minutes everywhere.
DATE_FORMAT = "j ខែ F ឆ្នាំ Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j ខែ F ឆ្នាំ Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
