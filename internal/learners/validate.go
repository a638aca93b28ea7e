package learners

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// The person form: a person's details, checked and offered the same way at
// registration (package registration), at the desk, and when staff correct them.

// MinAge is the youngest a person may register at; OldestBirthYear the earliest
// birth year taken as real.
const (
	MinAge          = 15
	OldestBirthYear = 1920
)

// knownCodes keeps the values of a multiple choice that are among codes, so that a
// tampered form cannot store anything else.
func knownCodes(values, codes []string) []string {
	var out []string
	for _, v := range values {
		if slices.Contains(codes, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// SplitWhere reads "59000 Lille", "59000" or "Dzaleka" into a postcode and a town.
func SplitWhere(s string) (pc, town string) {
	s = strings.TrimSpace(check.ASCIIDigits(s))
	first, rest, _ := strings.Cut(s, " ")
	if pc, ok := check.AnyPostcode(first); ok {
		return pc, strings.TrimSpace(rest)
	}
	return "", s
}

// PersonFromForm checks the person's details, the same way at registration and
// when staff edit them, and copies them into l. country is the antenna's, to read
// national phone numbers.
func PersonFromForm(f *web.Form, l *Learner, country string, now time.Time) {
	f.Required("first_name", "last_name", "phone", "birth_year", "where")
	for name, n := range map[string]int{"first_name": 100, "last_name": 100, "email": 200, "where": 100, "phone": 40} {
		f.MaxLength(name, n)
	}
	if v := f.Get("phone"); v != "" {
		if n, ok := check.Phone(country, v); ok {
			l.Phone = n
			// A landline cannot receive the SMS that confirm and remind: say so,
			// and keep it only when the person confirms it is the number to call.
			if mobile, known := check.Mobile(n); known && !mobile && f.Get("landline_ok") == "" {
				f.Fail("phone", "register.phone_landline")
			}
		} else {
			f.Fail("phone", "register.phone_invalid")
		}
	}
	email, ok := check.Email(f.Get("email"))
	if email != "" && !ok {
		f.Fail("email", "form.email")
	}
	if v := check.ASCIIDigits(f.Get("birth_year")); v != "" {
		y, err := strconv.Atoi(v)
		switch {
		case err != nil || y < OldestBirthYear || y > now.Year():
			f.Fail("birth_year", "register.birth_year_invalid")
		case now.Year()-y < MinAge:
			f.Fail("birth_year", "register.birth_year_young")
		default:
			l.BirthYear = y
		}
	}
	if lvl := f.Get("french_level"); lvl != "" && !slices.Contains(FrenchLevels, lvl) {
		f.Fail("french_level", "form.choose")
	}
	if g := f.Get("gender"); g != "" && !slices.Contains(Genders, g) {
		f.Fail("gender", "form.choose")
	}
	if h := f.Get("heard_from"); h != "" && !slices.Contains(HeardFromCodes, h) {
		f.Fail("heard_from", "form.choose")
	}
	l.FirstName, l.LastName, l.Email = f.Get("first_name"), f.Get("last_name"), email
	l.Postcode, l.Town = SplitWhere(f.Get("where"))
	l.Languages = knownCodes(f.All("languages"), LanguageCodes)
	l.Situations = knownCodes(f.All("situations"), SituationCodes)
	l.Equipment = knownCodes(f.All("equipment"), EquipmentCodes)
	l.Availabilities = knownCodes(f.All("availabilities"), AvailabilityCodes)
	l.FrenchLevel, l.HeardFrom, l.Gender = f.Get("french_level"), f.Get("heard_from"), f.Get("gender")
}

// personForm fills a form with a file's details, for editing.
func personForm(l *Learner) *web.Form {
	v := url.Values{
		"antenna": {strconv.FormatInt(l.AntennaID, 10)}, "first_name": {l.FirstName}, "last_name": {l.LastName},
		"phone": {l.Phone}, "email": {l.Email}, "birth_year": {strconv.Itoa(l.BirthYear)}, "where": {l.Where()},
		"french_level": {l.FrenchLevel}, "heard_from": {l.HeardFrom}, "gender": {l.Gender},
		"languages": l.Languages, "situations": l.Situations, "equipment": l.Equipment, "availabilities": l.Availabilities,
	}
	if l.WishedProgramme != 0 {
		v.Set("programme", strconv.FormatInt(l.WishedProgramme, 10))
	}
	return web.NewForm(v)
}

// Choice is one checkbox or radio button of a group, as the templates show it.
type Choice struct {
	Value   string
	Label   string // catalog key
	Checked bool
}

// Choices builds a group's boxes from the form, ticking what was ticked.
func Choices(f *web.Form, name, prefix string, codes []string) []Choice {
	var picked []string
	if f != nil {
		picked = f.Values[name]
	}
	out := make([]Choice, len(codes))
	for i, c := range codes {
		out[i] = Choice{Value: c, Label: prefix + c, Checked: slices.Contains(picked, c)}
	}
	return out
}

// PersonChoices are what the person form offers to choose from (the partial
// "person-fields" of the shared layout shows them).
type PersonChoices struct {
	Antennas       []web.Option
	Programmes     []web.Option // empty: the question is not asked
	Languages      []Choice
	FrenchLevels   []Choice
	Situations     []Choice
	Equipment      []Choice
	Availabilities []Choice
	HeardFrom      []web.Option
	Genders        []web.Option
}

// PersonChoices are the person form's choices, ticked as in f, with antennas to
// choose among.
func (h *Handlers) PersonChoices(ctx context.Context, f *web.Form, antennas []web.Option) PersonChoices {
	return PersonChoices{
		Antennas:       antennas,
		Programmes:     h.programmeOptions(ctx),
		Languages:      Choices(f, "languages", "learner.lang.", LanguageCodes),
		FrenchLevels:   Choices(f, "french_level", "learner.french.", FrenchLevels),
		Situations:     Choices(f, "situations", "learner.situation.", SituationCodes),
		Equipment:      Choices(f, "equipment", "learner.equipment.", EquipmentCodes),
		Availabilities: Choices(f, "availabilities", "learner.availability.", AvailabilityCodes),
		HeardFrom:      web.CodeOptions("learner.heard.", HeardFromCodes, "register.heard_none"),
		Genders:        web.CodeOptions("learner.gender.", Genders, "register.gender_none"),
	}
}

// programmeOptions lists the programmes one may wish for; none when training cannot
// say, so that registration never depends on it.
func (h *Handlers) programmeOptions(ctx context.Context) []web.Option {
	progs, err := training.Programmes(ctx, h.DB)
	if err != nil {
		h.Log.WarnContext(ctx, "registration: programmes unavailable", "err", err)
		return nil
	}
	if len(progs) == 0 {
		return nil
	}
	opts := []web.Option{{Value: "", Label: "register.programme_none"}}
	for _, p := range progs {
		opts = append(opts, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Title, Raw: true})
	}
	return opts
}

// KnownProgramme returns the id of a programme that exists, or 0.
func (h *Handlers) KnownProgramme(ctx context.Context, v string) int64 {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id <= 0 {
		return 0
	}
	progs, err := training.Programmes(ctx, h.DB)
	if err != nil {
		return 0
	}
	for _, p := range progs {
		if p.ID == id {
			return id
		}
	}
	return 0
}
