# Vietnamese: Django's short "d-m-Y" is ambiguous; "2 tháng 12, 2026" names the month.
DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \t\há\n\g n \nă\m Y, H:i"
SHORT_DATE_FORMAT = r"j \t\há\n\g n, Y"
SHORT_DATETIME_FORMAT = r"j \t\há\n\g n, Y, H:i"
