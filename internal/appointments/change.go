package appointments

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// changeable reads an appointment of the person's antennas that may still change:
// booked and not begun. Otherwise the file says why.
func (h *Handlers) changeable(w http.ResponseWriter, r *http.Request) (*Appointment, *person, bool) {
	ctx := r.Context()
	a, err := ByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return nil, nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	if a.Cancelled() || a.Past(h.now()) {
		h.Flash(r, "appointment.cannot_change")
		http.Redirect(w, r, "/learners/"+strconv.FormatInt(a.LearnerID, 10)+"#appointments", http.StatusSeeOther)
		return nil, nil, false
	}
	p, err := personByID(ctx, h.DB, auth.Scope{All: true}, a.LearnerID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	return a, p, true
}

// Edit shows an appointment's form to change its time, place or adviser: GET
// /appointments/{id}/edit.
func (h *Handlers) Edit(w http.ResponseWriter, r *http.Request) {
	a, p, ok := h.changeable(w, r)
	if !ok {
		return
	}
	v := url.Values{"kind": {a.Kind}, "mode": {a.Mode}, "adviser": {strconv.FormatInt(a.StaffID, 10)},
		"date": {a.StartsAt.Format(time.DateOnly)}, "time": {a.StartsAt.Format("15:04")},
		"duration": {strconv.Itoa(int(a.EndsAt.Sub(a.StartsAt).Minutes()))}, "video_url": {a.VideoURL}, "note": {a.Note}}
	if a.PlaceID != 0 {
		v.Set("place", strconv.FormatInt(a.PlaceID, 10))
	}
	h.showFormAt(w, r, http.StatusOK, p, web.NewForm(v), "/appointments/"+strconv.FormatInt(a.ID, 10), "appointment.change_title")
}

// Update changes the appointment and tells the person the new time and place
// (at once, even at night, when the old or the new time is today); what was
// queued for the old time is cancelled: POST /appointments/{id}.
func (h *Handlers) Update(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	old, p, ok := h.changeable(w, r)
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
	a.ID = old.ID
	action := "/appointments/" + strconv.FormatInt(a.ID, 10)
	if f.Valid() {
		st := auth.Current(ctx)
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := update(ctx, tx, a); err != nil {
				return err
			}
			if err := freeSlotOf(ctx, tx, a.ID); err != nil {
				return err
			}
			if err := messages.Cancel(ctx, tx, "appointment", a.ID, 0); err != nil {
				return err
			}
			changed, err := ByIDTx(ctx, tx, a.ID)
			if err != nil {
				return err
			}
			ms := h.tell(ctx, tx, p, changed, newsMoved, st.ID)
			urgent := sameDay(h.now(), old.StartsAt) || sameDay(h.now(), changed.StartsAt)
			for i := range ms {
				ms[i].Urgent = urgent
			}
			return h.send(ctx, tx, changed, ms)
		})
		if errors.Is(err, ErrOverlap) {
			f.Fail("time", "appointment.overlap")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showFormAt(w, r, http.StatusUnprocessableEntity, p, f, action, "appointment.change_title")
		return
	}
	h.Flash(r, "appointment.changed")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(p.ID, 10)+"#appointments", http.StatusSeeOther)
}

// update writes a's new time, place, adviser, kind and note in tx, refusing an
// overlap with the adviser's other appointments.
func update(ctx context.Context, tx *sql.Tx, a *Appointment) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE staff_id = $1 AND state = 'booked'
		AND starts_at < $2 AND ends_at > $3 AND id <> $4`, a.StaffID, db.FormatTime(a.EndsAt), db.FormatTime(a.StartsAt), a.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrOverlap
	}
	_, err := tx.ExecContext(ctx, `UPDATE appointments SET kind = $1, mode = $2, place_id = $3, video_url = $4, staff_id = $5,
		starts_at = $6, ends_at = $7, note = $8, updated_at = $9 WHERE id = $10 AND state = 'booked'`,
		a.Kind, a.Mode, db.NullID(a.PlaceID), a.VideoURL, a.StaffID, db.FormatTime(a.StartsAt), db.FormatTime(a.EndsAt),
		a.Note, db.Now(), a.ID)
	return err
}
