// Package appointments is the advisers' interviews with the people they follow:
// booking one (first contact, positioning, follow-up, other) at a place, by phone
// or by video; telling the person at once by SMS and email in their language;
// reminding them 48 hours before and on the morning; letting them say "I cannot
// come" from a link without an account, which frees the adviser's time; and
// recording after it whether they came. Advisers also publish free slots, and a
// booking link lets the person pick one themselves, then move or cancel it
// until a day before (slots*.go, booking*.go).
package appointments

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("appointments", templates, nil) }

// Handlers book appointments, cancel them and record their outcome.
type Handlers struct {
	web.Deps
	Outbox  *messages.Outbox
	BaseURL string
	// OnChange, when set, is told in the transaction that an appointment was
	// booked, moved or cancelled: partners tell the people's referrers.
	OnChange func(ctx context.Context, tx *sql.Tx, learnerID, appointmentID int64) error
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// person is what booking needs to know of the person seen.
type person struct {
	ID, AntennaID                 int64
	FirstName, LastName           string
	Phone, Email, Lang, TZ        string
	AntennaName, AntennaPhone     string
	MessagesOff, PhoneUnreachable bool
}

func personByID(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*person, error) {
	var p person
	var off, unreachable string
	args := db.Args{id}
	err := d.QueryRowContext(ctx, `SELECT l.id, l.antenna_id, l.first_name, l.last_name, l.phone, l.email, l.lang,
			a.timezone, a.name, a.phone, l.messages_off_at, l.phone_undeliverable_at
		FROM learners l JOIN antennas a ON a.id = l.antenna_id
		WHERE l.id = $1 AND l.merged_into IS NULL AND `+sc.Where("l.antenna_id", &args), args...).
		Scan(&p.ID, &p.AntennaID, &p.FirstName, &p.LastName, &p.Phone, &p.Email, &p.Lang, &p.TZ,
			&p.AntennaName, &p.AntennaPhone, &off, &unreachable)
	p.MessagesOff, p.PhoneUnreachable = off != "", unreachable != ""
	return &p, db.NotFound(err)
}

func (p *person) loc() *time.Location {
	if loc, err := time.LoadLocation(p.TZ); err == nil {
		return loc
	}
	return time.UTC
}

// formPage is the booking form.
type formPage struct {
	Action    string // where the form goes: booking, or changing an appointment
	Title     string // catalog key of the page's title and button
	Person    *person
	Kinds     []web.Option
	Modes     []web.Option
	Places    []web.Option
	Advisers  []web.Option
	Durations []web.Option
}

// New shows the booking form for the person: GET /learners/{id}/appointments/new.
func (h *Handlers) New(w http.ResponseWriter, r *http.Request) {
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	st := auth.Current(r.Context())
	tomorrow := h.now().In(p.loc()).AddDate(0, 0, 1)
	f := web.NewForm(url.Values{"kind": {"first_contact"}, "mode": {"place"}, "duration": {"45"},
		"adviser": {strconv.FormatInt(st.ID, 10)}, "date": {tomorrow.Format(time.DateOnly)}, "time": {"10:00"}})
	h.showForm(w, r, http.StatusOK, p, f)
}

func (h *Handlers) person(w http.ResponseWriter, r *http.Request) (*person, bool) {
	p, err := personByID(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (h *Handlers) showForm(w http.ResponseWriter, r *http.Request, status int, p *person, f *web.Form) {
	h.showFormAt(w, r, status, p, f, "/learners/"+strconv.FormatInt(p.ID, 10)+"/appointments", "appointment.book_title")
}

func (h *Handlers) showFormAt(w http.ResponseWriter, r *http.Request, status int, p *person, f *web.Form, action, title string) {
	ctx := r.Context()
	page := &formPage{Person: p, Action: action, Title: title,
		Kinds:     web.CodeOptions("appointment.kind.", Kinds, ""),
		Modes:     web.CodeOptions("appointment.mode.", Modes, ""),
		Durations: []web.Option{{Value: "15", Label: "appointment.min15"}, {Value: "30", Label: "appointment.min30"}, {Value: "45", Label: "appointment.min45"}, {Value: "60", Label: "appointment.min60"}, {Value: "90", Label: "appointment.min90"}},
	}
	places, err := org.Places(ctx, h.DB, auth.Scope{All: true}, p.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page.Places = []web.Option{{Value: "", Label: "form.choose"}}
	for _, pl := range places {
		page.Places = append(page.Places, web.Option{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name, Raw: true})
	}
	advisers, err := advisersOf(ctx, h.DB, p.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page.Advisers = advisers
	h.Render.Render(w, r, status, "appointments/form.html", page, f)
}

// advisersOf lists the active staff of an antenna, as options.
func advisersOf(ctx context.Context, d *db.DB, antennaID int64) ([]web.Option, error) {
	return db.Collect[web.Option](d.QueryContext(ctx, `SELECT s.id, s.name FROM staff s
		JOIN staff_antennas sa ON sa.staff_id = s.id WHERE sa.antenna_id = $1 AND s.active ORDER BY s.name`, antennaID))(
		func(row db.Scanner) (web.Option, error) {
			var id int64
			var name string
			err := row.Scan(&id, &name)
			return web.Option{Value: strconv.FormatInt(id, 10), Label: name, Raw: true}, err
		})
}

// Book books the appointment and tells the person: POST /learners/{id}/appointments.
func (h *Handlers) Book(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ok := h.person(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	a, ok := h.fromForm(w, r, p, f)
	if !ok {
		return
	}
	if f.Valid() {
		st := auth.Current(ctx)
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := insert(ctx, tx, a, st.ID); err != nil {
				return err
			}
			full, err := ByIDTx(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			return h.send(ctx, tx, full, h.tell(ctx, tx, p, full, newsBooked, st.ID))
		})
		if errors.Is(err, ErrOverlap) {
			f.Fail("time", "appointment.overlap")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showForm(w, r, http.StatusUnprocessableEntity, p, f)
		return
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "appointment booked", "appointment_id", a.ID, "learner_id", p.ID)
	}
	h.Flash(r, "appointment.booked")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(p.ID, 10)+"#appointments", http.StatusSeeOther)
}

// fromForm reads and checks the appointment's form for person p; the errors
// stand by their fields. False when the page has been answered already.
func (h *Handlers) fromForm(w http.ResponseWriter, r *http.Request, p *person, f *web.Form) (*Appointment, bool) {
	ctx := r.Context()
	a := &Appointment{AntennaID: p.AntennaID, LearnerID: p.ID, TZ: p.TZ}
	a.Kind, a.Mode = f.Get("kind"), f.Get("mode")
	if !slices.Contains(Kinds, a.Kind) {
		f.Fail("kind", "form.choose")
	}
	if !slices.Contains(Modes, a.Mode) {
		f.Fail("mode", "form.choose")
	}
	a.StaffID, _ = strconv.ParseInt(f.Get("adviser"), 10, 64)
	advisers, err := advisersOf(ctx, h.DB, p.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	if !slices.ContainsFunc(advisers, func(o web.Option) bool { return o.Value == f.Get("adviser") }) {
		f.Fail("adviser", "form.choose")
	}
	switch a.Mode {
	case "place":
		a.PlaceID, _ = strconv.ParseInt(f.Get("place"), 10, 64)
		if pl, err := org.PlaceByID(ctx, h.DB, auth.Scope{All: true}, a.PlaceID); err != nil || pl.AntennaID != p.AntennaID {
			f.Fail("place", "appointment.place_needed")
		}
	case "video":
		a.VideoURL = f.Get("video_url")
		if u, err := url.Parse(a.VideoURL); err != nil || u.Scheme != "https" || u.Host == "" {
			f.Fail("video_url", "appointment.video_url_invalid")
		}
	}
	f.MaxLength("note", 1000)
	a.Note = f.Get("note")
	loc := p.loc()
	day, derr := time.ParseInLocation(time.DateOnly, f.Get("date"), loc)
	clock, terr := time.Parse("15:04", f.Get("time"))
	minutes, _ := strconv.Atoi(f.Get("duration"))
	switch {
	case derr != nil:
		f.Fail("date", "appointment.date_invalid")
	case terr != nil:
		f.Fail("time", "appointment.time_invalid")
	default:
		a.StartsAt = time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
		if !a.StartsAt.After(h.now()) {
			f.Fail("date", "appointment.in_past")
		} else if a.StartsAt.After(h.now().AddDate(1, 0, 0)) {
			f.Fail("date", "appointment.too_far")
		}
	}
	if minutes < 5 || minutes > 240 {
		f.Fail("duration", "form.choose")
	}
	a.EndsAt = a.StartsAt.Add(time.Duration(minutes) * time.Minute)
	return a, true
}

// send queues the person's messages about a and tells OnChange, in tx.
func (h *Handlers) send(ctx context.Context, tx *sql.Tx, a *Appointment, ms []messages.Message) error {
	if _, err := h.Outbox.Add(ctx, tx, ms...); err != nil {
		return err
	}
	return h.changed(ctx, tx, a)
}

// changed tells OnChange that a changed.
func (h *Handlers) changed(ctx context.Context, tx *sql.Tx, a *Appointment) error {
	if h.OnChange == nil {
		return nil
	}
	return h.OnChange(ctx, tx, a.LearnerID, a.ID)
}

// ByIDTx reads an appointment inside tx (any antenna: the caller checked).
func ByIDTx(ctx context.Context, tx *sql.Tx, id int64) (*Appointment, error) {
	return scan(tx.QueryRowContext(ctx, "SELECT "+columns+from+" WHERE a.id = $1", id))
}

// Cancel cancels a booked appointment and tells the person: POST
// /appointments/{id}/cancel.
func (h *Handlers) Cancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	a, err := ByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if !a.Cancelled() && a.StartsAt.After(h.now()) {
		p, err := personByID(ctx, h.DB, auth.Scope{All: true}, a.LearnerID)
		if err == nil {
			err = h.DB.Tx(ctx, func(tx *sql.Tx) error {
				done, err := cancel(ctx, tx, a.ID, "staff")
				if err != nil || !done {
					return err
				}
				if err := messages.Cancel(ctx, tx, "appointment", a.ID, 0); err != nil {
					return err
				}
				return h.send(ctx, tx, a, h.tell(ctx, tx, p, a, newsCancelled, st.ID))
			})
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Flash(r, "appointment.cancelled")
	}
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(a.LearnerID, 10)+"#appointments", http.StatusSeeOther)
}

// Outcome records whether the person came: POST /appointments/{id}/outcome.
func (h *Handlers) Outcome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := ByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	outcome := f.Get("outcome")
	switch {
	case !slices.Contains(Outcomes, outcome):
		h.Flash(r, "appointment.outcome_choose")
	case a.Cancelled():
		h.Flash(r, "appointment.outcome_cancelled")
	case !a.Past(h.now()):
		// A tap before the appointment cannot say the person did not come.
		h.Flash(r, "appointment.outcome_too_early")
	default:
		if err := SetOutcome(ctx, h.DB, a.ID, outcome); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Flash(r, "saved")
	}
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(a.LearnerID, 10)+"#appointments", http.StatusSeeOther)
}
