package learners

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// InboxLimit is how many registrations one page of the inbox shows, oldest first.
const InboxLimit = 20

// Who the inbox (and the list) shows by assignee: one adviser's queue, nobody's,
// or everyone's.
const (
	AssigneeMe   = "me"
	AssigneeNone = "none"
	AssigneeAll  = "all"
)

// InboxFilter narrows the inbox; zero values mean "any".
type InboxFilter struct {
	Status    string // one of OpenStatuses
	AntennaID int64
	Assignee  string // AssigneeMe, AssigneeNone, AssigneeAll ("") or a staff id
	After     Cursor
}

// InboxItem is a registration in an adviser's inbox.
type InboxItem struct {
	*Learner
	Contacts     int
	LastContact  string // kind of the latest attempt
	LastAt       time.Time
	AssignedTo   int64
	AssignedName string
}

// assigneeCond adds the assignee condition of a filter value; staffID is "me".
func (w *walker) assignee(v string, staffID int64) {
	switch v {
	case "", AssigneeAll:
	case AssigneeMe:
		w.where("l.assigned_to = %s", staffID)
	case AssigneeNone:
		w.conds = append(w.conds, "l.assigned_to IS NULL")
	default:
		id, _ := strconv.ParseInt(v, 10, 64)
		w.where("l.assigned_to = %s", id)
	}
}

// InboxPage lists the registrations in scope still worked on (OpenStatuses)
// matching f, oldest first, at most limit; next is where the following page
// starts (zero on the last page).
func InboxPage(ctx context.Context, d *db.DB, sc auth.Scope, f InboxFilter, limit int) (items []*InboxItem, next Cursor, err error) {
	antennas, all, err := scopeAntennas(ctx, d, sc)
	if err != nil {
		return nil, Cursor{}, err
	}
	if f.AntennaID != 0 {
		if !all && !slices.Contains(antennas, f.AntennaID) {
			return nil, Cursor{}, nil
		}
		antennas, all = []int64{f.AntennaID}, false
	}
	w := &walker{conds: []string{openCond}}
	if slices.Contains(OpenStatuses, f.Status) {
		w.where("l.status = %s", f.Status)
	}
	w.assignee(f.Assignee, sc.StaffID)
	w.after(f.After, false)
	return walkPage(ctx, d, w, antennas, all, false, limit, `,
		(SELECT COUNT(*) FROM learner_contacts c WHERE c.learner_id = l.id),
		COALESCE((SELECT c.kind || ' ' || c.at FROM learner_contacts c WHERE c.learner_id = l.id ORDER BY c.at DESC, c.id DESC LIMIT 1), ''),
		COALESCE(l.assigned_to, 0), COALESCE((SELECT s.name FROM staff s WHERE s.id = l.assigned_to), '')`,
		func(row db.Scanner) (*InboxItem, error) {
			it := &InboxItem{}
			var last string
			var err error
			if it.Learner, err = Scan(row, &it.Contacts, &last, &it.AssignedTo, &it.AssignedName); err != nil {
				return nil, err
			}
			kind, at, _ := strings.Cut(last, " ")
			it.LastContact, it.LastAt = kind, db.ParseTime(at)
			return it, nil
		})
}

// defaultAssignee is whose registrations the inbox shows first: an adviser's own
// queue; everyone's for managers and admins.
func defaultAssignee(st *auth.Staff) string {
	if st.Role == auth.Adviser {
		return AssigneeMe
	}
	return AssigneeAll
}

// assigneeChoices are the people a registration may be given to, or filtered by:
// the active staff of the antenna chosen, or of the person's antennas when they
// are few (a national admin picks an antenna first, so that no page lists the
// whole association's staff).
func (h *Handlers) assigneeChoices(ctx context.Context, st *auth.Staff, antennaID int64, antennas int) ([]*auth.Staff, error) {
	if antennaID == 0 && (st.Role == auth.Admin || antennas > walkAntennas) {
		return nil, nil
	}
	list, err := auth.List(ctx, h.DB, st.Scope())
	if err != nil {
		return nil, err
	}
	var out []*auth.Staff
	for _, s := range list {
		if !s.Active || (antennaID != 0 && !slices.Contains(s.Antennas, antennaID)) {
			continue
		}
		if antennaID == 0 && !shares(s, st) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// shares reports whether s works in one of st's antennas.
func shares(s, st *auth.Staff) bool {
	for _, a := range s.Antennas {
		if st.InAntenna(a) {
			return true
		}
	}
	return false
}

// assigneeOptions is the "who" filter: me, everyone, nobody, then each person.
func assigneeOptions(people []*auth.Staff, me int64) []web.Option {
	opts := []web.Option{{Value: AssigneeMe, Label: "assign.filter_me"}, {Value: AssigneeAll, Label: "assign.filter_all"},
		{Value: AssigneeNone, Label: "assign.filter_none"}}
	for _, s := range people {
		if s.ID != me {
			opts = append(opts, web.Option{Value: strconv.FormatInt(s.ID, 10), Label: s.Name, Raw: true})
		}
	}
	return opts
}

// bulkOptions is whom the ticked people may be given to: me, nobody, each person.
func bulkOptions(people []*auth.Staff, me int64) []web.Option {
	opts := []web.Option{{Value: AssigneeMe, Label: "assign.to_me"}, {Value: AssigneeNone, Label: "assign.to_nobody"}}
	for _, s := range people {
		if s.ID != me {
			opts = append(opts, web.Option{Value: strconv.FormatInt(s.ID, 10), Label: s.Name, Raw: true})
		}
	}
	return opts
}

// antennaOptions lists the antennas of the person's scope for a filter; none
// when they work in a single one.
func antennaOptions(list []*org.Antenna) []web.Option {
	if len(list) < 2 {
		return nil
	}
	opts := []web.Option{{Value: "", Label: "learner.filter_any_antenna"}}
	for _, a := range list {
		opts = append(opts, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
	}
	return opts
}

// Inbox lists the registrations advisers work on, in their antennas, oldest
// first, a page at a time: ?status=, ?antenna= and ?who= (me, all, none or a
// staff id; an adviser's own queue by default) narrow it, ?after= turns the page.
func (h *Handlers) Inbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	q := r.URL.Query()
	f := InboxFilter{Status: q.Get("status"), Assignee: q.Get("who"), After: ParseCursor(q.Get("after"))}
	if !slices.Contains(OpenStatuses, f.Status) {
		f.Status = ""
	}
	if f.Assignee == "" {
		f.Assignee = defaultAssignee(st)
	}
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if id, _ := strconv.ParseInt(q.Get("antenna"), 10, 64); id > 0 && slices.ContainsFunc(antennas, func(a *org.Antenna) bool { return a.ID == id }) {
		f.AntennaID = id
	}
	people, err := h.assigneeChoices(ctx, st, f.AntennaID, len(antennas))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	who := assigneeOptions(people, st.ID)
	if !slices.ContainsFunc(who, func(o web.Option) bool { return o.Value == f.Assignee }) {
		// A staff id from another antenna, or typed: their queue is not this person's to see.
		f.Assignee = defaultAssignee(st)
	}
	items, next, err := InboxPage(ctx, h.DB, st.Scope(), f, InboxLimit)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	values := url.Values{"status": {f.Status}, "who": {f.Assignee}}
	if f.AntennaID != 0 {
		values.Set("antenna", strconv.FormatInt(f.AntennaID, 10))
	}
	nextURL := ""
	if next.ID != 0 {
		nq := url.Values{"status": {f.Status}, "who": {f.Assignee}, "after": {next.String()}}
		if f.AntennaID != 0 {
			nq.Set("antenna", strconv.FormatInt(f.AntennaID, 10))
		}
		nextURL = "/inbox?" + nq.Encode()
	}
	firstURL := ""
	if f.After.ID != 0 {
		firstURL = "/inbox?" + values.Encode()
	}
	h.Render.Render(w, r, http.StatusOK, "learners/inbox.html", struct {
		Items    []*InboxItem
		Statuses []web.Option
		Who      []web.Option
		Antennas []web.Option
		Assign   []web.Option
		Next     string
		First    string
		Back     string
	}{items, web.CodeOptions("learner.status.", OpenStatuses, "inbox.open"), who, antennaOptions(antennas), bulkOptions(people, st.ID),
		nextURL, firstURL, r.URL.RequestURI()}, web.NewForm(values))
}

// Inbox is the first page of the inbox in scope, of every open status (or the
// first of statuses), oldest first, at most limit.
func Inbox(ctx context.Context, d *db.DB, sc auth.Scope, statuses []string, limit int) ([]*InboxItem, error) {
	f := InboxFilter{}
	if len(statuses) > 0 {
		f.Status = statuses[0]
	}
	items, _, err := InboxPage(ctx, d, sc, f, limit)
	return items, err
}
