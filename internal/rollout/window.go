package rollout

import (
	"fmt"
	"time"
	// The windows' time zone must not depend on the host's zoneinfo.
	_ "time/tzdata"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

var weekdays = map[string]time.Weekday{
	"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday, "Wed": time.Wednesday,
	"Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday,
}

// openings lists the intervals of the windows that open on the given day
// (a window whose end is not after its start closes the next day).
func openings(day time.Time, windows []platformv1alpha1.MaintenanceWindow) [][2]time.Time {
	var out [][2]time.Time
	for _, w := range windows {
		opensToday := false
		for _, d := range w.Days {
			opensToday = opensToday || weekdays[d] == day.Weekday()
		}
		if !opensToday {
			continue
		}
		start, end := atClock(day, w.Start), atClock(day, w.End)
		if !end.After(start) {
			end = atClock(day.AddDate(0, 0, 1), w.End)
		}
		out = append(out, [2]time.Time{start, end})
	}
	return out
}

// atClock is the time HH:MM on day's date, in day's location.
func atClock(day time.Time, hhmm string) time.Time {
	var h, m int
	_, _ = fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
}

// windowState says whether now is inside a window and, when not, when the
// next one opens. Without windows every time is inside.
func windowState(now time.Time, windows []platformv1alpha1.MaintenanceWindow, loc *time.Location) (open bool, next time.Time) {
	if len(windows) == 0 {
		return true, time.Time{}
	}
	local := now.In(loc)
	// Yesterday's overnight windows may still be open; a week ahead holds every opening.
	for offset := -1; offset <= 7; offset++ {
		for _, o := range openings(local.AddDate(0, 0, offset), windows) {
			if !local.Before(o[0]) && local.Before(o[1]) {
				return true, time.Time{}
			}
			if o[0].After(local) && (next.IsZero() || o[0].Before(next)) {
				next = o[0]
			}
		}
	}
	return false, next
}
