package org

import (
	"regexp"
	"strings"
	"time"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/siret"
	"tremplin/internal/platform/web"
)

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// ValidTimezone reports whether tz is an IANA zone name such as Africa/Blantyre.
func ValidTimezone(tz string) bool {
	if !strings.Contains(tz, "/") {
		return tz == "UTC"
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

func antennaFromForm(f *web.Form, a *Antenna) {
	f.Set("country", strings.ToUpper(f.Get("country")))
	f.Required("name", "city", "country", "timezone")
	f.MaxLength("name", 100)
	f.MaxLength("city", 100)
	f.MaxLength("address", 300)
	if c := f.Get("country"); c != "" && !countryCode.MatchString(c) {
		f.Fail("country", "antenna.country_invalid")
	}
	if tz := f.Get("timezone"); tz != "" && !ValidTimezone(tz) {
		f.Fail("timezone", "antenna.timezone_invalid")
	}
	// An antenna's number is kept as written, to be shown as such.
	if v := f.Get("phone"); v != "" {
		if _, ok := check.AnyPhone(v); !ok {
			f.Fail("phone", "form.phone")
		}
	}
	*a = Antenna{ID: a.ID, Name: f.Get("name"), City: f.Get("city"), Country: f.Get("country"),
		Timezone: f.Get("timezone"), Address: f.Get("address"), Phone: f.Get("phone")}
}

func placeFromForm(f *web.Form, p *Place, country string) {
	f.Required("antenna", "name", "address", "city")
	if country == "FR" {
		f.Required("postcode") // elsewhere (Malawi…) there may be none
	}
	f.MaxLength("name", 150)
	f.MaxLength("address", 300)
	f.MaxLength("accessibility", 2000)
	if pc := f.Get("postcode"); pc != "" && country != "" && !check.Postcode(country, pc) {
		if country == "FR" {
			f.Fail("postcode", "place.postcode_fr")
		} else {
			f.Fail("postcode", "place.postcode_invalid")
		}
	}
	hours := hoursFromForm(f)
	if pv := f.Get("pivot"); pv != "" {
		n := siret.Normalize(pv)
		if k := siret.Kind(n); k == "siret" || k == "rna" {
			f.Set("pivot", n)
		} else {
			f.Fail("pivot", "place.pivot_invalid")
		}
	}
	*p = Place{ID: p.ID, AntennaID: p.AntennaID, Name: f.Get("name"), Address: f.Get("address"), Postcode: f.Get("postcode"),
		City: f.Get("city"), OpeningHours: hours, Accessibility: f.Get("accessibility"), Pivot: f.Get("pivot")}
}
