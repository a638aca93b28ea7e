package web

import "time"

// Paris is the association's head-office time zone: the day a payment or a
// receipt belongs to for the French tax year, and the clock the audit is
// read in. UTC if the system has no time-zone data.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()
