package appointments

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// slotDay is one day of slots, as a page lists them.
type slotDay struct {
	Day   time.Time
	Slots []*Slot
}

// byDay groups slots (in time order) by their day, in their antenna's time.
func byDay(slots []*Slot) []slotDay {
	var out []slotDay
	for _, s := range slots {
		y, m, d := s.StartsAt.Date()
		if n := len(out); n > 0 {
			y2, m2, d2 := out[n-1].Day.Date()
			if y == y2 && m == m2 && d == d2 {
				out[n-1].Slots = append(out[n-1].Slots, s)
				continue
			}
		}
		out = append(out, slotDay{Day: time.Date(y, m, d, 0, 0, 0, 0, s.StartsAt.Location()), Slots: []*Slot{s}})
	}
	return out
}

// maxOffered bounds the slots a booking page lists.
const maxOffered = 60

// bookingPage is the page a person reaches from their booking link.
type bookingPage struct {
	Token   string
	Kind    string
	Expires time.Time // in the antenna's time
	// Open: the link still takes a first booking.
	Open bool
	// A is what the person booked through the link (nil before); Booked when it
	// stands, Past when it has begun.
	A            *Appointment
	Booked, Past bool
	// CanChange: they may still move or cancel it, until ChangeUntil.
	CanChange   bool
	ChangeUntil time.Time
	// Choosing: the page lists the free slots (Days), to book or to move to.
	Choosing bool
	Moving   bool
	Days     []slotDay
	// Taken: the slot they tapped went to someone else a moment before.
	Taken bool
	// Done is what they have just done: booked, moved, cancelled.
	Done         string
	AntennaPhone string
}

// bookingLinkOf reads the link of the request, answering 404 for an unknown one.
func (h *Handlers) bookingLinkOf(w http.ResponseWriter, r *http.Request) (*bookingLink, bool) {
	link, err := bookingLinkByToken(r.Context(), h.DB, r.PathValue("token"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return link, true
}

// bookingState is what the link allows at now; moving asks for the slots to
// move to.
func (h *Handlers) bookingState(ctx context.Context, link *bookingLink, now time.Time, moving bool) (*bookingPage, error) {
	page := &bookingPage{Token: link.Token, Kind: link.Kind, Open: link.Open(now)}
	var tz string
	if err := h.DB.QueryRowContext(ctx, "SELECT phone, timezone FROM antennas WHERE id = $1", link.AntennaID).
		Scan(&page.AntennaPhone, &tz); err != nil {
		return nil, err
	}
	page.Expires = link.Expires.In(location(tz))
	if link.AppointmentID != 0 {
		a, err := scan(h.DB.QueryRowContext(ctx, "SELECT "+columns+from+" WHERE a.id = $1 AND a.learner_id = $2",
			link.AppointmentID, link.LearnerID))
		if err != nil {
			return nil, err // a link keeps its appointment
		}
		page.A = a
		page.Booked = !a.Cancelled()
		page.Past = a.Past(now)
		page.ChangeUntil = a.StartsAt.Add(-ChangeBefore)
		page.CanChange = page.Booked && now.Before(page.ChangeUntil)
	}
	// The link's deadline is for choosing a first time; what is booked can be
	// moved until a day before it, whatever the deadline.
	page.Moving = moving && page.CanChange
	page.Choosing = page.Moving || (!page.Booked && page.Open)
	if page.Choosing {
		slots, err := freeSlots(ctx, h.DB, link, now, maxOffered)
		if err != nil {
			return nil, err
		}
		page.Days = byDay(slots)
	}
	return page, nil
}

func (h *Handlers) showBooking(w http.ResponseWriter, r *http.Request, status int, page *bookingPage) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render.Render(w, r, status, "appointments/booking.html", page, nil)
}

// Booking shows a person the free slots their link offers, or what they booked
// with it: GET /b/{token}. No account, no JavaScript; a link past its deadline
// says so and gives the antenna's phone, and still shows what was booked.
func (h *Handlers) Booking(w http.ResponseWriter, r *http.Request) {
	h.booking(w, r, false)
}

// BookingMove lists the slots to move a booked appointment to: GET
// /b/{token}/move.
func (h *Handlers) BookingMove(w http.ResponseWriter, r *http.Request) {
	h.booking(w, r, true)
}

func (h *Handlers) booking(w http.ResponseWriter, r *http.Request, moving bool) {
	link, ok := h.bookingLinkOf(w, r)
	if !ok {
		return
	}
	page, err := h.bookingState(r.Context(), link, h.now(), moving)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	switch done := r.URL.Query().Get("done"); done {
	case "booked", "moved", "cancelled":
		page.Done = done
	}
	h.showBooking(w, r, http.StatusOK, page)
}

// BookingPick books the slot the person tapped, or moves what they booked to it:
// POST /b/{token}. A slot someone else took a moment before is answered with the
// next free ones (409).
func (h *Handlers) BookingPick(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	link, ok := h.bookingLinkOf(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	now := h.now()
	page, err := h.bookingState(ctx, link, now, false)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	back := "/b/" + link.Token
	if (page.Booked && !page.CanChange) || (!page.Booked && !page.Open) {
		// Too late for this: the page says what is still possible.
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	p, err := personByID(ctx, h.DB, auth.Scope{All: true}, link.LearnerID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	slotID, _ := strconv.ParseInt(f.Get("slot"), 10, 64)
	var id int64
	err = h.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockLink(ctx, tx, link); err != nil {
			return err
		}
		s, err := claimSlot(ctx, tx, link, slotID, now)
		if err != nil {
			return err
		}
		if page.Booked {
			id = page.A.ID
			return h.move(ctx, tx, p, page.A, s, now)
		}
		a := &Appointment{AntennaID: link.AntennaID, LearnerID: link.LearnerID, StaffID: s.StaffID, Kind: link.Kind,
			Mode: s.Mode, PlaceID: s.PlaceID, VideoURL: s.VideoURL, StartsAt: s.StartsAt, EndsAt: s.EndsAt}
		if err := insert(ctx, tx, a, 0); err != nil {
			if errors.Is(err, ErrOverlap) {
				return ErrSlotTaken
			}
			return err
		}
		id = a.ID
		if err := takeSlot(ctx, tx, s.ID, a.ID); err != nil {
			return err
		}
		if err := setLinkAppointment(ctx, tx, link.Token, a.ID); err != nil {
			return err
		}
		full, err := ByIDTx(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		err = h.send(ctx, tx, full, h.tell(ctx, tx, p, full, newsBooked, 0))
		return err
	})
	switch {
	case errors.Is(err, ErrSlotTaken):
		page, err := h.bookingState(ctx, link, now, page.Booked)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		page.Taken = true
		h.showBooking(w, r, http.StatusConflict, page)
		return
	case errors.Is(err, ErrNotChangeable):
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	done := "booked"
	if page.Booked {
		done = "moved"
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "appointment "+done+" by the person", "appointment_id", id, "learner_id", link.LearnerID)
	}
	http.Redirect(w, r, back+"?done="+done, http.StatusSeeOther)
}

// move moves a to the claimed slot s in tx: its own slot is freed, its queued
// reminders are cancelled, and the person is told of the new time (at once,
// even at night, when the old or the new time is today).
func (h *Handlers) move(ctx context.Context, tx *sql.Tx, p *person, a *Appointment, s *Slot, now time.Time) error {
	// The appointment's row first, then its slot: the order a cancellation by
	// staff takes them in, so that the two never wait for each other.
	if err := reschedule(ctx, tx, a.ID, s, now); err != nil {
		return err
	}
	if err := freeSlotOf(ctx, tx, a.ID); err != nil {
		return err
	}
	if err := takeSlot(ctx, tx, s.ID, a.ID); err != nil {
		return err
	}
	if err := messages.Cancel(ctx, tx, "appointment", a.ID, 0); err != nil {
		return err
	}
	moved, err := ByIDTx(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	ms := h.tell(ctx, tx, p, moved, newsMoved, 0)
	urgent := sameDay(now, a.StartsAt) || sameDay(now, moved.StartsAt)
	for i := range ms {
		ms[i].Urgent = urgent
	}
	return h.send(ctx, tx, moved, ms)
}

// sameDay reports whether now falls on t's day, in t's time zone.
func sameDay(now, t time.Time) bool {
	y1, m1, d1 := now.In(t.Location()).Date()
	y2, m2, d2 := t.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// BookingCancel cancels what the person booked through their link, until
// ChangeBefore before it: POST /b/{token}/cancel. The slot is free again, the
// reminders are cancelled, and the person is told.
func (h *Handlers) BookingCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	link, ok := h.bookingLinkOf(w, r)
	if !ok {
		return
	}
	now := h.now()
	page, err := h.bookingState(ctx, link, now, false)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	back := "/b/" + link.Token
	if !page.CanChange {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	p, err := personByID(ctx, h.DB, auth.Scope{All: true}, link.LearnerID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	err = h.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockLink(ctx, tx, link); err != nil {
			return err
		}
		// Cancelled only if still more than ChangeBefore away (the page may be old).
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE id = $1 AND starts_at > $2`,
			page.A.ID, db.FormatTime(now.Add(ChangeBefore))).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotChangeable
		}
		done, err := cancel(ctx, tx, page.A.ID, "person")
		if err != nil {
			return err
		}
		if !done {
			return ErrNotChangeable
		}
		if err := messages.Cancel(ctx, tx, "appointment", page.A.ID, 0); err != nil {
			return err
		}
		err = h.send(ctx, tx, page.A, h.tell(ctx, tx, p, page.A, newsCancelled, 0))
		return err
	})
	if errors.Is(err, ErrNotChangeable) {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Log != nil {
		h.Log.InfoContext(ctx, "appointment cancelled by the person", "appointment_id", page.A.ID, "staff_id", page.A.StaffID)
	}
	http.Redirect(w, r, back+"?done=cancelled", http.StatusSeeOther)
}
