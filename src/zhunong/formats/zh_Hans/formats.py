"""Number formats for zh-hans that Django's own locale leaves out: its THOUSAND_SEPARATOR is empty,
so `intcomma` printed 1234567.50. Chinese financial statements and the published progress notices
group by three with commas (1,234,567.50), so records and counts do too. Everything not set here
(dates, input formats) comes from Django's zh_Hans locale."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
