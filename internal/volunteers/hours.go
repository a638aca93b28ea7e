package volunteers

import (
	"errors"
	"net/http"
	"slices"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

// PendingHoursPage lists the hours of the staff member's antennas waiting for a
// decision, oldest first, each with approve and decline: GET /volunteers/hours.
func (h *Handlers) PendingHoursPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	n, offset := web.PageOf(r, HoursPerPage)
	list, err := PendingHours(ctx, h.DB, auth.Current(ctx).Scope(), offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "volunteers/hours_pending.html", struct {
		Hours   []*Hours
		Pager   web.Pager
		Reasons []web.Option
	}{list[:min(len(list), HoursPerPage)], web.NewPager(r, n, len(list) > HoursPerPage),
		web.CodeOptions("volunteers.decline_hours.", HoursDeclineReasons, "")}, nil)
}

// HoursDecide approves (decision=approve) or declines (decision=decline, with a
// reason) pending hours: POST /volunteers/hours/{id}.
func (h *Handlers) HoursDecide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	// Another antenna's hours are the 404 page, whatever the form says.
	if err := HoursInScope(ctx, h.DB, st.Scope(), web.PathID(r, "id")); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	approve := f.Get("decision") == "approve"
	reason := f.Get("reason")
	if !approve && !slices.Contains(HoursDeclineReasons, reason) {
		h.Flash(r, "volunteers.decline_reason_required")
		http.Redirect(w, r, "/volunteers/hours", http.StatusSeeOther)
		return
	}
	err := DecideHours(ctx, h.DB, st.Scope(), st.ID, web.PathID(r, "id"), approve, reason)
	if errors.Is(err, ErrLocked) {
		h.Flash(r, HoursRefusal(err))
		http.Redirect(w, r, "/volunteers/hours", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if approve {
		h.Flash(r, "volunteers.hours_approved")
	} else {
		h.Flash(r, "volunteers.hours_declined")
	}
	http.Redirect(w, r, "/volunteers/hours", http.StatusSeeOther)
}
