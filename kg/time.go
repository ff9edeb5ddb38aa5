package kg

import (
	"fmt"
	"regexp"
	"strings"
)

// ISO 8601 calendar dates at year, month or day precision.
var dateRE = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

// ParseTime checks an ISO 8601 date (2020, 2021-05, 2018-12-18) or interval of
// two such dates (2012/2014, 2021-01/2021-04) whose start is not after its end.
func ParseTime(s string) error {
	start, end, isInterval := strings.Cut(s, "/")
	if !dateRE.MatchString(start) {
		return fmt.Errorf("%w: %q: want an ISO 8601 date like 2020, 2021-05 or 2018-12-18, or an interval like 2012/2014", ErrBadTime, s)
	}
	if !isInterval {
		return nil
	}
	if !dateRE.MatchString(end) {
		return fmt.Errorf("%w: %q: interval end %q is not an ISO 8601 date", ErrBadTime, s, end)
	}
	// Comparing the shared-precision prefix orders dates of mixed precision.
	n := min(len(start), len(end))
	if start[:n] > end[:n] {
		return fmt.Errorf("%w: %q: interval starts after it ends", ErrBadTime, s)
	}
	return nil
}
