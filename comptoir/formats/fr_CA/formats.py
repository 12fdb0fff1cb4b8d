# Django's own fr_CA time formats leave the "h" of "13 h 40" unescaped, so it prints the hour twice
# ("2026-11-23 11 11 42"): say 11 h 42, no leading zero (OQLF), no-break spaces so it never wraps.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y, G\xa0\\h\xa0i"
SHORT_DATETIME_FORMAT = "Y-m-d G\xa0\\h\xa0i"
TIME_FORMAT = "G\xa0\\h\xa0i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Money and figures: 1 234,50 $ (comptoir.core.formatting.money_text).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
