package appointments

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// SlotLengths are the lengths of slot the form offers, in minutes.
var SlotLengths = []int{15, 20, 30, 45, 60, 90}

// maxSlotsAtOnce bounds the slots one sending of the form publishes.
const maxSlotsAtOnce = 40

// slotsPage is an adviser's week of free and booked slots, and the form that
// publishes more.
type slotsPage struct {
	Adviser    *auth.Staff
	Advisers   []web.Option // whose slots the viewer may change, when more than themselves
	Week       time.Time    // its Monday
	Prev, Next string
	Days       []slotDay
	Antennas   []web.Option // where the adviser's slots may be published, when more than one
	Places     []web.Option
	Modes      []web.Option
	Lengths    []web.Option
	Today      time.Time
}

// slotsReach returns the adviser and the antennas where st may see, publish and
// remove their slots: their own antennas for themselves, those st manages for
// a manager (all for an admin); db.ErrNotFound when none, answered as 404.
func slotsReach(ctx context.Context, d *db.DB, st *auth.Staff, adviserID int64) (*auth.Staff, []int64, error) {
	adv, err := auth.ByID(ctx, d, adviserID)
	if err != nil {
		return nil, nil, err
	}
	var ids []int64
	for _, a := range adv.Antennas {
		if adv.ID == st.ID || st.ManagesAntenna(a) {
			ids = append(ids, a)
		}
	}
	if len(ids) == 0 {
		return nil, nil, db.ErrNotFound
	}
	return adv, ids, nil
}

// weekOf is the Monday 00:00 of t's week, in t's time zone.
func weekOf(t time.Time) time.Time {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// Slots shows an adviser's slots of a week and the form to publish more: GET
// /appointments/slots?adviser=ID&week=YYYY-MM-DD (the viewer's own by default).
func (h *Handlers) Slots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := web.NewForm(url.Values{"adviser": {q.Get("adviser")}, "start": {"09:00"}, "end": {"12:00"}, "length": {"30"}, "mode": {"place"}})
	h.showSlots(w, r, http.StatusOK, f, q.Get("week"), true)
}

// showSlots renders the page of the form's adviser for the week of day (a
// date; the current week when empty or wrong); fill puts defaults in the form.
func (h *Handlers) showSlots(w http.ResponseWriter, r *http.Request, status int, f *web.Form, day string, fill bool) {
	ctx := r.Context()
	st := auth.Current(ctx)
	var others []web.Option
	if st.Role == auth.Admin || st.Role == auth.Manager {
		var err error
		if others, err = staffOf(ctx, h.DB, st.Scope()); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	adviserID := st.ID
	if id, err := strconv.ParseInt(f.Get("adviser"), 10, 64); err == nil {
		adviserID = id
	} else if len(st.Antennas) == 0 && len(others) > 0 {
		// A national admin of no antenna has no slots: the first adviser's show.
		adviserID, _ = strconv.ParseInt(others[0].Value, 10, 64)
	}
	adv, antennas, err := slotsReach(ctx, h.DB, st, adviserID)
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page := &slotsPage{Adviser: adv,
		Modes: web.CodeOptions("appointment.mode.", Modes, "")}
	pr := i18n.FromContext(ctx)
	for _, n := range SlotLengths {
		page.Lengths = append(page.Lengths, web.Option{Value: strconv.Itoa(n), Label: pr.N("appointment.minutes_n", n), Raw: true})
	}
	var loc *time.Location
	for _, id := range antennas {
		a, err := org.AntennaByID(ctx, h.DB, auth.Scope{All: true}, id)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if loc == nil {
			loc = location(a.Timezone)
		}
		page.Antennas = append(page.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
		places, err := org.Places(ctx, h.DB, auth.Scope{All: true}, a.ID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		for _, pl := range places {
			label := pl.Name
			if len(antennas) > 1 {
				label = a.Name + " – " + pl.Name
			}
			page.Places = append(page.Places, web.Option{Value: strconv.FormatInt(pl.ID, 10), Label: label, Raw: true})
		}
	}
	now := h.now().In(loc)
	page.Today = now
	if len(others) > 1 {
		page.Advisers = others
	}
	week := weekOf(now)
	if t, err := time.ParseInLocation(time.DateOnly, day, loc); err == nil {
		week = weekOf(t)
	}
	page.Week = week
	page.Prev, page.Next = week.AddDate(0, 0, -7).Format(time.DateOnly), week.AddDate(0, 0, 7).Format(time.DateOnly)
	if fill {
		f.Set("adviser", strconv.FormatInt(adv.ID, 10))
		f.Set("antenna", page.Antennas[0].Value)
		next := now.AddDate(0, 0, 1)
		if week.After(next) {
			next = week
		}
		f.Set("date", next.Format(time.DateOnly))
		if len(page.Places) > 0 {
			f.Set("place", page.Places[0].Value)
		}
	}
	slots, err := SlotsOf(ctx, h.DB, adv.ID, antennas, week, week.AddDate(0, 0, 7))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page.Days = byDay(slots)
	h.Render.Render(w, r, status, "appointments/slots.html", page, f)
}

// staffOf lists the active staff of the antennas of a scope, as options.
func staffOf(ctx context.Context, d *db.DB, sc auth.Scope) ([]web.Option, error) {
	var args db.Args
	where := sc.Where("sa.antenna_id", &args)
	return db.Collect[web.Option](d.QueryContext(ctx, `SELECT s.id, s.name FROM staff s WHERE s.active AND s.id IN
		(SELECT sa.staff_id FROM staff_antennas sa WHERE `+where+`) ORDER BY s.name, s.id`, args...))(
		func(row db.Scanner) (web.Option, error) {
			var id int64
			var name string
			err := row.Scan(&id, &name)
			return web.Option{Value: strconv.FormatInt(id, 10), Label: name, Raw: true}, err
		})
}

// SlotsAdd publishes an adviser's slots for one day, from a start to an end, of
// one length, at a place, by phone or by video: POST /appointments/slots. Slots
// that would overlap an appointment the adviser has are left out.
func (h *Handlers) SlotsAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	adviserID, _ := strconv.ParseInt(f.Get("adviser"), 10, 64)
	adv, antennas, err := slotsReach(ctx, h.DB, st, adviserID)
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	antennaID, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	if len(antennas) == 1 {
		antennaID = antennas[0]
	}
	var loc *time.Location
	if !slices.Contains(antennas, antennaID) {
		f.Fail("antenna", "form.choose")
		antennaID = antennas[0]
	}
	antenna, err := org.AntennaByID(ctx, h.DB, auth.Scope{All: true}, antennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc = location(antenna.Timezone)
	proto := Slot{AntennaID: antennaID, StaffID: adv.ID, Mode: f.Get("mode")}
	switch proto.Mode {
	case "place":
		proto.PlaceID, _ = strconv.ParseInt(f.Get("place"), 10, 64)
		if pl, err := org.PlaceByID(ctx, h.DB, auth.Scope{All: true}, proto.PlaceID); err != nil || pl.AntennaID != antennaID {
			f.Fail("place", "appointment.place_needed")
		}
	case "video":
		proto.VideoURL = f.Get("video_url")
		if u, err := url.Parse(proto.VideoURL); err != nil || u.Scheme != "https" || u.Host == "" {
			f.Fail("video_url", "appointment.video_url_invalid")
		}
	case "phone":
	default:
		f.Fail("mode", "form.choose")
	}
	length, _ := strconv.Atoi(f.Get("length"))
	if !slices.Contains(SlotLengths, length) {
		f.Fail("length", "form.choose")
	}
	day, derr := time.ParseInLocation(time.DateOnly, f.Get("date"), loc)
	from, ferr := time.Parse("15:04", f.Get("start"))
	to, terr := time.Parse("15:04", f.Get("end"))
	if derr != nil {
		f.Fail("date", "appointment.date_invalid")
	}
	if ferr != nil {
		f.Fail("start", "appointment.time_invalid")
	}
	if terr != nil {
		f.Fail("end", "appointment.time_invalid")
	}
	var slots []*Slot
	if derr == nil && ferr == nil && terr == nil {
		start := time.Date(day.Year(), day.Month(), day.Day(), from.Hour(), from.Minute(), 0, 0, loc)
		end := time.Date(day.Year(), day.Month(), day.Day(), to.Hour(), to.Minute(), 0, 0, loc)
		now := h.now()
		switch {
		case !end.After(start):
			f.Fail("end", "appointment.slot_end_before_start")
		case !start.After(now):
			f.Fail("date", "appointment.in_past")
		case start.After(now.AddDate(1, 0, 0)):
			f.Fail("date", "appointment.too_far")
		case length > 0 && end.Sub(start) < time.Duration(length)*time.Minute:
			f.Fail("end", "appointment.slot_too_short")
		case length > 0 && int(end.Sub(start)/(time.Duration(length)*time.Minute)) > maxSlotsAtOnce:
			f.Fail("end", "appointment.slot_too_many")
		case length > 0:
			for t := start; !t.Add(time.Duration(length) * time.Minute).After(end); t = t.Add(time.Duration(length) * time.Minute) {
				s := proto
				s.StartsAt, s.EndsAt = t, t.Add(time.Duration(length)*time.Minute)
				slots = append(slots, &s)
			}
		}
	}
	added := 0
	if f.Valid() {
		added, err = addSlots(ctx, h.DB, slots, st.ID)
		if errors.Is(err, ErrSlotOverlap) {
			f.Fail("start", "appointment.slot_overlap")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showSlots(w, r, http.StatusUnprocessableEntity, f, f.Get("date"), false)
		return
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "slots published", "staff_id", adv.ID, "antenna_id", antennaID, "slots", added, "by", st.ID)
	}
	switch {
	case added == len(slots):
		h.Flash(r, "appointment.slots_added")
	case added > 0:
		h.Flash(r, "appointment.slots_added_some")
	default:
		h.Flash(r, "appointment.slots_added_none")
	}
	http.Redirect(w, r, slotsURL(adv.ID, day), http.StatusSeeOther)
}

// slotsURL is the page of an adviser's slots in the week of day.
func slotsURL(adviserID int64, day time.Time) string {
	return "/appointments/slots?adviser=" + strconv.FormatInt(adviserID, 10) + "&week=" + weekOf(day).Format(time.DateOnly)
}

// SlotDelete removes a free slot: POST /appointments/slots/{id}/delete. A booked
// one stays: its appointment is cancelled from the person's file.
func (h *Handlers) SlotDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	s, err := slotByID(ctx, h.DB, web.PathID(r, "id"))
	var antennas []int64
	if err == nil {
		_, antennas, err = slotsReach(ctx, h.DB, st, s.StaffID)
	}
	if err == nil && !slices.Contains(antennas, s.AntennaID) {
		err = db.ErrNotFound
	}
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	done, err := deleteSlot(ctx, h.DB, s.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if done {
		h.Flash(r, "appointment.slot_removed")
	} else {
		h.Flash(r, "appointment.slot_booked_meanwhile")
	}
	http.Redirect(w, r, slotsURL(s.StaffID, s.StartsAt), http.StatusSeeOther)
}
