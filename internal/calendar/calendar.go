// Package calendar is the antennas' calendar: the days without meetings (French
// public holidays for an antenna in France, and each antenna's closures, with
// the page where its managers list them), and how a day is typed into a form.
// It knows nothing of cohorts: training asks it which days are closed.
package calendar

import (
	"context"
	"embed"
	"strings"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("calendar", templates, nil) }

// Handlers serve the closures page.
type Handlers struct {
	web.Deps
}

// Easter returns Easter Sunday of year in the Gregorian calendar (the anonymous
// Gregorian algorithm, Meeus/Jones/Butcher).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// Holiday is a public holiday: its date and the catalog key of its name.
type Holiday struct {
	Date time.Time
	Key  string
}

// FrenchHolidays lists the eleven public holidays of France in year, in date
// order (the national list of the Labour Code, article L3133-1; Alsace-Moselle's two
// extra days are not included).
func FrenchHolidays(year int) []Holiday {
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	easter := Easter(year)
	return []Holiday{
		{day(time.January, 1), "training.holiday.new_year"},
		{easter.AddDate(0, 0, 1), "training.holiday.easter_monday"},
		{day(time.May, 1), "training.holiday.labour_day"},
		{day(time.May, 8), "training.holiday.victory_1945"},
		{easter.AddDate(0, 0, 39), "training.holiday.ascension"},
		{easter.AddDate(0, 0, 50), "training.holiday.whit_monday"},
		{day(time.July, 14), "training.holiday.national_day"},
		{day(time.August, 15), "training.holiday.assumption"},
		{day(time.November, 1), "training.holiday.all_saints"},
		{day(time.November, 11), "training.holiday.armistice"},
		{day(time.December, 25), "training.holiday.christmas"},
	}
}

// ClosedDay is a day without meetings: a public holiday (Key, a catalog key) or a
// closure of the antenna (Label, as the manager wrote it).
type ClosedDay struct {
	Date  time.Time
	Key   string
	Label string
}

// ClosedDays returns the days from first to last (calendar days) when the antenna
// is closed, by date (YYYY-MM-DD): French public holidays for an antenna in France
// (country "FR"), and the antenna's own closures.
func ClosedDays(ctx context.Context, d *db.DB, antennaID int64, country string, first, last time.Time) (map[string]ClosedDay, error) {
	out := map[string]ClosedDay{}
	if country == "FR" {
		for y := first.Year(); y <= last.Year(); y++ {
			for _, h := range FrenchHolidays(y) {
				if !h.Date.Before(first) && !h.Date.After(last) {
					out[h.Date.Format(time.DateOnly)] = ClosedDay{Date: h.Date, Key: h.Key}
				}
			}
		}
	}
	closures, err := closuresBetween(ctx, d, antennaID, first.Format(time.DateOnly), last.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	for _, c := range closures {
		day := c.StartsOn
		if day.Before(first) {
			day = first
		}
		for ; !day.After(c.EndsOn) && !day.After(last); day = day.AddDate(0, 0, 1) {
			k := day.Format(time.DateOnly)
			if _, holiday := out[k]; !holiday {
				out[k] = ClosedDay{Date: day, Label: c.Label}
			}
		}
	}
	return out, nil
}

// parseDate reads a stored calendar date; the zero time for an empty one.
func parseDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// ParseDay reads a calendar date as a date field sends it (2027-02-03) or as
// people type it where the browser shows a plain text box (03/02/2027).
func ParseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// DayField checks a required date field.
func DayField(f *web.Form, name string) (time.Time, bool) {
	v := f.Get(name)
	if v == "" {
		f.Fail(name, "form.required")
		return time.Time{}, false
	}
	d, ok := ParseDay(v)
	if !ok {
		f.Fail(name, "training.date_invalid")
	}
	return d, ok
}
