package jobs

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/platform/web"
	"tremplin/internal/positioning"
)

// Limits of an offer's terms: the legal maximum working week is 48 hours.
const (
	MinHours     = 1
	MaxHours     = 48
	MaxPositions = 999
	MaxMonths    = 240
)

// readOffer checks an offer's form into o (its company and id set by the
// caller), failing each wrong field with a message next to it; creating
// refuses a start date in the past, which an offer already posted may keep.
func readOffer(f *web.Form, o *Offer, today time.Time, creating bool) {
	f.Required("title", "rome", "contract", "hours", "town", "positions", "starts_on", "experience")
	f.MaxLength("title", 200)
	f.MaxLength("description", 5000)
	o.Title, o.Description = f.Get("title"), f.Get("description")
	if v := f.Get("rome"); v != "" {
		if j := FindJob(v); j != nil {
			o.ROME = j.Code
		} else {
			f.Fail("rome", "jobs.error.rome_unknown")
		}
	}
	if v := f.Get("contract"); v != "" {
		if slices.Contains(Contracts, v) {
			o.Contract = v
		} else {
			f.Fail("contract", "form.choose")
		}
	}
	// A fixed-term contract says its length, which decides whether a hire is a
	// lasting job; other contracts have none.
	o.ContractMonths = 0
	if slices.Contains(FixedTerm, o.Contract) {
		v := f.Get("contract_months")
		n, err := strconv.Atoi(v)
		switch {
		case v == "":
			f.Fail("contract_months", "jobs.error.contract_months_required")
		case err != nil || n < 1 || n > 36:
			f.Fail("contract_months", "jobs.error.contract_months")
		}
		o.ContractMonths = n
	}
	if v := f.Get("hours"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < MinHours || n > MaxHours {
			f.Fail("hours", "jobs.error.hours")
		}
		o.Hours = n
	}
	if v := f.Get("town"); v != "" {
		c, n := FindCommune(v)
		switch {
		case c != nil:
			o.INSEE, o.Town = c.INSEE, c.Name
		case n > 1:
			f.Fail("town", "jobs.error.town_ambiguous")
		default:
			f.Fail("town", "jobs.error.town_unknown")
		}
	}
	if v := f.Get("positions"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPositions {
			f.Fail("positions", "jobs.error.positions")
		}
		o.Positions = n
	}
	if v := f.Get("starts_on"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		switch {
		case err != nil:
			f.Fail("starts_on", "jobs.error.date")
		case creating && d.Before(today):
			f.Fail("starts_on", "jobs.error.start_past")
		}
		o.StartsOn = d
	}
	if v := f.Get("experience"); v != "" {
		if !slices.Contains(Experience, v) {
			f.Fail("experience", "form.choose")
		}
		o.Experience = v
	}
	// Up to SkillFields digital competences, each with the lowest Pix level:
	// a competence without a level, or a level without a competence, is
	// answered next to the field.
	o.Skills = map[string]int{}
	for i := 1; i <= SkillFields; i++ {
		n := strconv.Itoa(i)
		code, level := f.Get("skill_"+n), f.Get("level_"+n)
		if code == "" && level == "" {
			continue
		}
		lvl, err := strconv.Atoi(level)
		switch {
		case code == "" || !positioning.ValidCompetence(code):
			f.Fail("skill_"+n, "jobs.error.skill")
		case err != nil || lvl < 1 || lvl > 8:
			f.Fail("level_"+n, "jobs.error.skill_level")
		default:
			o.Skills[code] = max(o.Skills[code], lvl)
		}
	}
	o.ExperienceMonths = 0
	if o.Experience == "desired" || o.Experience == "required" {
		n, err := strconv.Atoi(f.Get("experience_months"))
		if err != nil || n < 1 || n > MaxMonths {
			f.Fail("experience_months", "jobs.error.months")
		}
		o.ExperienceMonths = n
	}
}

// offerForm is the form filled with an offer's terms, to change them.
func offerForm(o *Offer) *web.Form {
	v := url.Values{"title": {o.Title}, "contract": {o.Contract}, "hours": {strconv.Itoa(o.Hours)},
		"positions": {strconv.Itoa(o.Positions)}, "starts_on": {o.StartsOn.Format(time.DateOnly)}, "experience": {o.Experience},
		"description": {o.Description}}
	if j := o.Job(); j != nil {
		v.Set("rome", j.Code+" "+j.Title)
	} else {
		v.Set("rome", o.ROME)
	}
	if c := CommuneByINSEE(o.INSEE); c != nil {
		v.Set("town", c.Label())
	} else {
		v.Set("town", o.Town)
	}
	if o.ExperienceMonths > 0 {
		v.Set("experience_months", strconv.Itoa(o.ExperienceMonths))
	}
	if o.ContractMonths > 0 {
		v.Set("contract_months", strconv.Itoa(o.ContractMonths))
	}
	for i, code := range slices.Sorted(maps.Keys(o.Skills)) {
		if i < SkillFields {
			v.Set("skill_"+strconv.Itoa(i+1), code)
			v.Set("level_"+strconv.Itoa(i+1), strconv.Itoa(o.Skills[code]))
		}
	}
	return web.NewForm(v)
}

// newOfferForm is an empty offer's form: 35 hours a week, one position.
func newOfferForm() *web.Form {
	return web.NewForm(url.Values{"hours": {"35"}, "positions": {"1"}, "contract": {"CDI"}, "experience": {"beginner"}})
}

// formData is what the offer form needs besides the form.
type formData struct {
	Action, Back string
	Company      string
	Offer        *Offer // nil for a new offer
	Companies    []web.Option
	Contracts    []web.Option
	Experience   []web.Option
	Jobs         []Job
	Space        *Recruiter // the company space's recruiter, nil for staff
	Competences  []web.Option
	Levels       []web.Option
	SkillFields  []int
}

func newFormData(action, back string) *formData {
	d := &formData{Action: action, Back: back, Contracts: web.CodeOptions("jobs.contract.", Contracts, "form.choose"),
		Experience: web.CodeOptions("jobs.experience.", Experience, ""), Jobs: Jobs(),
		Competences: []web.Option{{Value: "", Label: "jobs.skill.none"}}, Levels: []web.Option{{Value: "", Label: "jobs.skill.no_level"}}}
	for _, c := range positioning.Competences() {
		d.Competences = append(d.Competences, web.Option{Value: c, Label: positioning.CompetenceKey(c)})
	}
	for i := 1; i <= 8; i++ {
		d.Levels = append(d.Levels, web.Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i), Raw: true})
	}
	for i := 1; i <= SkillFields; i++ {
		d.SkillFields = append(d.SkillFields, i)
	}
	return d
}

// SkillFields is how many digital competences an offer's form asks for, at
// most, besides those of the job's code.
const SkillFields = 3
