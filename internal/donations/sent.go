package donations

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// SentVolunteer is a volunteer an organisation sent: one of its employees who
// volunteers with the association, and the hours approved so far.
type SentVolunteer struct {
	ID            int64
	Name, State   string
	ApprovedHours int
}

// VolunteersSent lists the volunteers an organisation sent that the scope may
// see, by name.
func VolunteersSent(ctx context.Context, d *db.DB, sc auth.Scope, donorID int64) ([]*SentVolunteer, error) {
	args := db.Args{donorID}
	return db.Collect[*SentVolunteer](d.QueryContext(ctx, `SELECT v.id, v.first_name || ' ' || v.last_name, v.state,
		COALESCE((SELECT SUM(h.minutes) FROM volunteer_hours h WHERE h.volunteer_id = v.id AND h.state = 'approved'), 0) / 60
		FROM donor_volunteers x JOIN volunteers v ON v.id = x.volunteer_id
		WHERE x.donor_id = $1 AND `+sc.Where("v.antenna_id", &args)+` ORDER BY v.last_name, v.first_name, v.id`, args...))(
		func(row db.Scanner) (*SentVolunteer, error) {
			v := &SentVolunteer{}
			return v, row.Scan(&v.ID, &v.Name, &v.State, &v.ApprovedHours)
		})
}

// LinkVolunteerPage records that a volunteer, found by their email among those
// the staff member may see, was sent by the organisation: POST
// /donors/{id}/volunteers.
func (h *Handlers) LinkVolunteerPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	email := strings.ToLower(f.Get("volunteer_email"))
	f.Required("volunteer_email")
	if o.Kind != Organisation {
		f.Fail("volunteer_email", "donations.contact.company_only")
	}
	var id int64
	if f.Valid() {
		args := db.Args{email}
		err := h.DB.QueryRowContext(ctx, "SELECT id FROM volunteers WHERE LOWER(email) = $1 AND "+
			st.Scope().Where("antenna_id", &args)+" ORDER BY id LIMIT 1", args...).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			f.Fail("volunteer_email", "donations.sent.not_found")
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := h.DB.ExecContext(ctx, `INSERT INTO donor_volunteers (donor_id, volunteer_id, linked_by, linked_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (donor_id, volunteer_id) DO NOTHING`, o.ID, id, db.NullID(st.ID), db.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#sent", http.StatusSeeOther)
}

// UnlinkVolunteerPage undoes a link made by mistake: POST
// /donors/{id}/volunteers/{volunteer}/remove.
func (h *Handlers) UnlinkVolunteerPage(w http.ResponseWriter, r *http.Request) {
	st, o, _, ok := h.posted(w, r)
	if !ok {
		return
	}
	args := db.Args{o.ID, web.PathID(r, "volunteer")}
	res, err := h.DB.ExecContext(r.Context(), `DELETE FROM donor_volunteers WHERE donor_id = $1 AND volunteer_id = $2
		AND volunteer_id IN (SELECT id FROM volunteers WHERE `+st.Scope().Where("antenna_id", &args)+`)`, args...)
	h.removed(w, r, res, err, o.ID, "#sent")
}
