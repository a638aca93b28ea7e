package org

import (
	"regexp"
	"strings"
	"time"

	"tremplin/internal/platform/siret"
	"tremplin/internal/platform/web"
)

var (
	countryCode  = regexp.MustCompile(`^[A-Z]{2}$`)
	frenchPost   = regexp.MustCompile(`^(0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}$`)
	foreignPost  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$`)
	phoneDigits  = regexp.MustCompile(`^\+?[0-9]{6,15}$`)
	phoneSpacing = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "", "\u00a0", "")
)

// ValidTimezone reports whether tz is an IANA zone name such as Africa/Blantyre.
func ValidTimezone(tz string) bool {
	if !strings.Contains(tz, "/") {
		return tz == "UTC"
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// ValidPostcode checks a postcode the way the country writes them: five digits of
// an existing département in France, a short code elsewhere.
func ValidPostcode(country, code string) bool {
	if country == "FR" {
		return frenchPost.MatchString(code)
	}
	return foreignPost.MatchString(code)
}

// checkPhone validates an optional phone field and stores it without spacing.
func checkPhone(f *web.Form, name string) {
	v := f.Get(name)
	if v == "" {
		return
	}
	if compact := phoneSpacing.Replace(v); phoneDigits.MatchString(compact) {
		return
	}
	f.Fail(name, "form.phone")
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
	checkPhone(f, "phone")
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
	if pc := f.Get("postcode"); pc != "" && country != "" && !ValidPostcode(country, pc) {
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
