package kg

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ISO 8601 calendar dates at year, month or day precision.
var dateRE = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

// ParseTime checks an ISO 8601 date (2020, 2021-05, 2018-12-18) or interval of
// two such dates (2012/2014, 2021-01/2021-04) whose start is not after its end.
func ParseTime(s string) error {
	start, end, isInterval := strings.Cut(s, "/")
	dates := []string{start}
	if isInterval {
		dates = append(dates, end)
	}
	for _, d := range dates {
		if !dateRE.MatchString(d) {
			return fmt.Errorf("%w %q: want an ISO 8601 date like 2020, 2021-05 or 2018-12-18, or an interval like 2012/2014", ErrBadTime, s)
		}
		// The regexp lets through days a month does not have (2020-02-30).
		if len(d) == len(time.DateOnly) {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return fmt.Errorf("%w %q: %s is not a day of the calendar", ErrBadTime, s, d)
			}
		}
	}
	if !isInterval {
		return nil
	}
	// Comparing the shared-precision prefix orders dates of mixed precision.
	n := min(len(start), len(end))
	if start[:n] > end[:n] {
		return fmt.Errorf("%w %q: the interval starts after it ends", ErrBadTime, s)
	}
	return nil
}
