# Django's own fr_CA short date-time format repeats the hour ("2026-11-23 11 11 42"): say 11 h 42.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y, H \\h i"
SHORT_DATETIME_FORMAT = "Y-m-d H \\h i"
TIME_FORMAT = "H \\h i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
