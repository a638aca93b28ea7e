package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// MessageLangs are the languages a volunteer's messages may be written in.
var MessageLangs = []string{"fr", "en", "ar"}

// AvailabilityLength is how long the free-text availability may be.
const AvailabilityLength = 300

// formData is what the sign-up and the volunteer's own form offer to choose.
type formData struct {
	Antennas     []web.Option
	Skills       []learners.Choice
	Languages    []learners.Choice
	MessageLangs []web.Option
	Charter      *CharterText
	Lang         string // the page's language, for the charter's text
}

func (h *Handlers) formData(ctx context.Context, f *web.Form, antennas []*org.Antenna) (*formData, error) {
	d := &formData{
		Skills:       learners.Choices(f, "skills", "volunteers.skill.", Skills),
		Languages:    learners.Choices(f, "languages", "volunteers.lang.", Languages),
		MessageLangs: web.CodeOptions("volunteers.message_lang.", MessageLangs, ""),
		Lang:         i18n.FromContext(ctx).Lang,
	}
	if antennas != nil {
		d.Antennas = []web.Option{{Value: "", Label: "form.choose"}}
		for _, a := range antennas {
			d.Antennas = append(d.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
		}
	}
	var err error
	d.Charter, err = CurrentCharter(ctx, h.DB, h.now().Format(time.DateOnly))
	return d, err
}

// JoinForm is the public sign-up form of volunteers.
func (h *Handlers) JoinForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	antennas, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"lang": {i18n.FromContext(ctx).Lang}})
	if id := r.URL.Query().Get("antenna"); id != "" {
		f.Set("antenna", id)
	}
	d, err := h.formData(ctx, f, antennas)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/join.html", d, f)
}

// choicesIn checks what a volunteer may change on their own (availability,
// skills, languages, message language) from f into v.
func choicesIn(f *web.Form, v *Volunteer) {
	f.MaxLength("availability", AvailabilityLength)
	v.Availability = f.Get("availability")
	v.Skills = known(f.All("skills"), Skills)
	v.Languages = known(f.All("languages"), Languages)
	v.Lang = f.Get("lang")
	if !slices.Contains(MessageLangs, v.Lang) {
		f.Fail("lang", "form.choose")
	}
}

// known keeps the codes of list among picked, in list's order.
func known(picked, list []string) []string {
	var out []string
	for _, c := range list {
		if slices.Contains(picked, c) {
			out = append(out, c)
		}
	}
	return out
}

// Join stores a sign-up and acknowledges it to the person, in the language they
// chose for their messages. The same person signing up again at the antenna
// (pending or active, same phone or email) sees the thanks page and nothing is
// stored or sent twice.
func (h *Handlers) Join(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	antennas, err := org.AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, err := h.formData(ctx, f, antennas)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	v := &Volunteer{}
	var antenna *org.Antenna
	id, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	for _, a := range antennas {
		if a.ID == id {
			antenna = a
		}
	}
	country := "FR"
	if antenna == nil {
		f.Fail("antenna", "form.choose")
	} else {
		v.AntennaID, country = antenna.ID, antenna.Country
	}
	f.Required("first_name", "last_name")
	f.MaxLength("first_name", 100)
	f.MaxLength("last_name", 100)
	v.FirstName, v.LastName = f.Get("first_name"), f.Get("last_name")
	if p := f.Get("phone"); p != "" {
		if n, ok := check.Phone(country, p); ok {
			v.Phone = n
		} else {
			f.Fail("phone", "form.phone")
		}
	}
	if e := f.Get("email"); e != "" {
		if n, ok := check.Email(e); ok && len(n) <= 200 {
			v.Email = auth.NormalizeEmail(n)
		} else {
			f.Fail("email", "form.email")
		}
	}
	if f.Get("phone") == "" && f.Get("email") == "" {
		f.Fail("phone", "volunteers.join.contact_required")
	}
	choicesIn(f, v)
	if f.Get("charter") != "yes" {
		f.Fail("charter", "volunteers.join.charter_required")
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "volunteers/join.html", d, f)
		return
	}
	err = Join(ctx, h.DB, v, d.Charter.Version, h.now(), func(tx *sql.Tx) error {
		return h.tell(ctx, tx, v, note{kind: "volunteer_joined", body: "volunteers.sms.joined", subject: "volunteers.email.joined_subject",
			args: []any{"antenna", antenna.Name}})
	})
	if errors.Is(err, ErrAlreadyJoined) {
		h.Log.InfoContext(ctx, "volunteer sign-up sent again: already received", "antenna_id", antenna.ID)
	} else if err != nil {
		h.Render.Fail(w, r, err)
		return
	} else {
		h.Log.InfoContext(ctx, "volunteer signed up", "volunteer_id", v.ID, "antenna_id", antenna.ID)
	}
	http.Redirect(w, r, "/volunteer/join/thanks?antenna="+strconv.FormatInt(antenna.ID, 10), http.StatusSeeOther)
}

// JoinThanks confirms a sign-up (also one sent again).
func (h *Handlers) JoinThanks(w http.ResponseWriter, r *http.Request) {
	var a *org.Antenna
	if id, _ := strconv.ParseInt(r.URL.Query().Get("antenna"), 10, 64); id > 0 {
		var err error
		if a, err = org.AntennaByID(r.Context(), h.DB, auth.Scope{All: true}, id); err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/join_thanks.html", a, nil)
}
