package learners

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// AssignResult says what an assignment did with the people asked for.
type AssignResult struct {
	Done    int // given to the adviser (or to nobody)
	Same    int // already theirs
	Refused int // in another antenna than the adviser's
	Missing int // not found in the viewer's antennas (or merged): left alone
}

// Assign gives the files ids to assignee (nil: to nobody), recording the step in
// each file's history with who did it. Only the files in scope whose antenna is
// one of the assignee's are changed; the others are counted, never touched. The
// file's updated_at is left alone: who follows a person changes no figure.
func Assign(ctx context.Context, d *db.DB, sc auth.Scope, ids []int64, assignee *auth.Staff, staffID int64) (AssignResult, error) {
	var res AssignResult
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		res = AssignResult{}
		now := db.Now()
		var to, name any
		if assignee != nil {
			to, name = assignee.ID, assignee.Name
		} else {
			name = ""
		}
		for _, id := range ids {
			var antenna, current int64
			args := db.Args{id}
			where := sc.Where("antenna_id", &args)
			err := tx.QueryRowContext(ctx, "SELECT antenna_id, COALESCE(assigned_to, 0) FROM learners WHERE id = $1 AND merged_into IS NULL AND "+where,
				args...).Scan(&antenna, &current)
			if errors.Is(err, sql.ErrNoRows) {
				res.Missing++
				continue
			}
			if err != nil {
				return err
			}
			switch {
			case assignee != nil && (!assignee.Active || !assignee.InAntenna(antenna)):
				res.Refused++
				continue
			case assignee != nil && current == assignee.ID, assignee == nil && current == 0:
				res.Same++
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE learners SET assigned_to = $1 WHERE id = $2", to, id); err != nil {
				return err
			}
			if err := addHistory(ctx, tx, id, "assigned", "", name.(string), staffID, now); err != nil {
				return err
			}
			res.Done++
		}
		return nil
	})
	return res, err
}

// Assignee returns who follows a file in scope (nil: nobody).
func Assignee(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*auth.Staff, error) {
	args := db.Args{id}
	where := sc.Where("antenna_id", &args)
	var to sql.NullInt64
	err := d.QueryRowContext(ctx, "SELECT assigned_to FROM learners WHERE id = $1 AND "+where, args...).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	if err != nil || !to.Valid {
		return nil, err
	}
	s, err := auth.ByID(ctx, d, to.Int64)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	return s, err
}

// chosenAssignee reads the adviser chosen in a form: "me", "none" (nil, true) or
// a staff id. ok is false for anything else.
func (h *Handlers) chosenAssignee(ctx context.Context, v string) (s *auth.Staff, ok bool, err error) {
	st := auth.Current(ctx)
	switch v {
	case AssigneeNone:
		return nil, true, nil
	case AssigneeMe:
		return st, true, nil
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	if id <= 0 {
		return nil, false, nil
	}
	s, err = auth.ByID(ctx, h.DB, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	// Only someone working in one of the viewer's antennas may be chosen.
	if !s.Active || (!shares(s, st) && s.ID != st.ID) {
		return nil, false, nil
	}
	return s, true, nil
}

// backTo is where a form sends the person back: one of this package's lists (with its
// filters and page), or the default.
func backTo(v, def string) string {
	if v == "inbox" {
		return "/inbox"
	}
	v = web.LocalPath(v)
	for _, p := range []string{"/inbox", "/learners"} {
		if v == p || strings.HasPrefix(v, p+"?") {
			return v
		}
	}
	return def
}

// AssignForm shows who follows the person and whom to give them to.
func (h *Handlers) AssignForm(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Load(w, r)
	if !ok {
		return
	}
	h.renderAssign(w, r, http.StatusOK, l, web.NewForm(url.Values{"assignee": {AssigneeMe}}))
}

func (h *Handlers) renderAssign(w http.ResponseWriter, r *http.Request, status int, l *Learner, f *web.Form) {
	ctx := r.Context()
	st := auth.Current(ctx)
	current, err := Assignee(ctx, h.DB, st.Scope(), l.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	people, err := h.assigneeChoices(ctx, st, l.AntennaID, 1)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "learners/assign.html", struct {
		L       *Learner
		Current *auth.Staff
		Choices []web.Option
	}{l, current, bulkOptions(people, st.ID)}, f)
}

// Assign gives one person to an adviser (the file's form, or "take it" in the
// inbox, which sends back=the inbox's address).
func (h *Handlers) Assign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	to, ok, err := h.chosenAssignee(ctx, f.Get("assignee"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if !ok || (to != nil && !to.InAntenna(l.AntennaID)) {
		f.Fail("assignee", "assign.not_here")
		h.renderAssign(w, r, http.StatusUnprocessableEntity, l, f)
		return
	}
	if _, err := Assign(ctx, h.DB, st.Scope(), []int64{l.ID}, to, st.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, backTo(f.Get("back"), "/learners/"+strconv.FormatInt(l.ID, 10)+"#timeline"), http.StatusSeeOther)
}

// Bulk acts on the people ticked in the inbox or the list: action=assign gives
// them to the adviser chosen. People outside the viewer's antennas are never
// acted on; the message says how many could not be.
func (h *Handlers) Bulk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	back := backTo(f.Get("back"), "/inbox")
	var ids []int64
	for _, v := range f.All("ids") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && len(ids) < 500 {
			ids = append(ids, id)
		}
	}
	if f.Get("action") != "assign" {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	if len(ids) == 0 {
		h.Flash(r, "bulk.none_ticked")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	to, ok, err := h.chosenAssignee(ctx, f.Get("assignee"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if !ok {
		h.Flash(r, "bulk.adviser_unknown")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	res, err := Assign(ctx, h.DB, st.Scope(), ids, to, st.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "bulk assignment", "staff_id", st.ID, "done", res.Done, "same", res.Same, "refused", res.Refused, "missing", res.Missing)
	switch {
	case res.Missing > 0 || res.Refused > 0:
		h.Flash(r, "bulk.some_not_done")
	default:
		h.Flash(r, "saved")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
