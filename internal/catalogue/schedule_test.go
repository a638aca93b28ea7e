package catalogue

import (
	"testing"
	"time"

	"tremplin/internal/platform/i18n"
)

// A cohort's meetings are said as its weekly rhythm, in each language.
func TestScheduleWords(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(day, hm string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, paris)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Tuesdays and Thursdays 9:30–12:30 over two weeks, given out of order.
	days := []string{"2027-01-07", "2027-01-05", "2027-01-12", "2027-01-14"}
	var starts, ends []time.Time
	for _, d := range days {
		starts, ends = append(starts, at(d, "09:30")), append(ends, at(d, "12:30"))
	}
	s := scheduleOf(starts, ends)
	for lang, want := range map[string]string{
		"fr": "Le mardi et le jeudi, de 9 h 30 à 12 h 30",
		"en": "Tuesdays and Thursdays, 9:30–12:30",
		"ar": "كل الثلاثاء والخميس، من 9:30 إلى 12:30",
	} {
		if got := s.Words(i18n.For(lang)); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	// Mornings and afternoons of different days, Monday first.
	starts = []time.Time{at("2027-01-08", "14:00"), at("2027-01-04", "09:00"), at("2027-01-06", "09:00")}
	ends = []time.Time{at("2027-01-08", "17:00"), at("2027-01-04", "12:00"), at("2027-01-06", "12:00")}
	if got, want := scheduleOf(starts, ends).Words(i18n.For("en")), "Mondays and Wednesdays, 9:00–12:00; Fridays, 14:00–17:00"; got != want {
		t.Errorf("two rhythms: %q, want %q", got, want)
	}
	if got := Schedule(nil).Words(i18n.For("fr")); got != "" {
		t.Errorf("no meeting: %q", got)
	}
}

// A session is offered until the day before it starts.
func TestStillOffered(t *testing.T) {
	today := time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC)
	for starts, want := range map[string]bool{"2027-01-06": true, "2027-01-05": false, "2027-01-01": false} {
		if got := StillOffered(parseDate(starts), today); got != want {
			t.Errorf("starting %s: %v, want %v", starts, got, want)
		}
	}
}
