# Django's pl short formats are "23-11-2026  09:05" (dashes, two spaces); Polish writes 23.11.2026 09:05.
# The rest (23 listopada 2026, grouping 1 234,50) is Django's.
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATETIME_FORMAT = "j E Y, H:i"
