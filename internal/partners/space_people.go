package partners

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/sheet"
	"tremplin/internal/platform/web"
)

// spacePage is how many people one page of the partner space lists.
const spacePage = 50

// Pager links the pages of a list: Prev and Next are "" at the ends.
type Pager struct {
	Page, Pages int
	Prev, Next  string
}

// pageOf reads ?page= (from 1).
func pageOf(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return max(1, min(n, 100_000))
}

// newPager builds the links of page among total items, size a page, keeping q.
func newPager(base string, q url.Values, page, total, size int) *Pager {
	p := &Pager{Page: page, Pages: max(1, (total+size-1)/size)}
	link := func(n int) string {
		v := url.Values{}
		for k, x := range q {
			if k != "page" && len(x) > 0 && x[0] != "" {
				v[k] = x[:1]
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return base
		}
		return base + "?" + v.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// StateChoice is one state of the filter, with how many people are in it.
type StateChoice struct {
	State   string
	Count   int
	Current bool
	Link    string
}

type spaceData struct {
	Contact *Contact
	People  []*Person
	States  []StateChoice
	State   string
	Total   int // people in the state chosen (or in all)
	All     int // people referred, in all states
	Pager   *Pager
}

// Space lists the people the contact's organisation referred, newest first, a
// page at a time, with how many are in each state and a filter by state.
func (h *Handlers) Space(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	state := r.URL.Query().Get("state")
	if !slices.Contains(States, state) {
		state = ""
	}
	counts, err := OrgStateCounts(ctx, h.DB, c)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &spaceData{Contact: c, State: state, All: counts.Total, Total: counts.Total}
	if state != "" {
		d.Total = counts.By[state]
	}
	d.States = append(d.States, StateChoice{State: "", Count: counts.Total, Current: state == "", Link: "/partner"})
	for _, s := range States {
		if n := counts.By[s]; n > 0 || s == state {
			d.States = append(d.States, StateChoice{State: s, Count: n, Current: s == state, Link: "/partner?state=" + s})
		}
	}
	page := pageOf(r)
	d.Pager = newPager("/partner", r.URL.Query(), page, d.Total, spacePage)
	if d.People, err = OrgPeoplePage(ctx, h.DB, c, state, (page-1)*spacePage, spacePage); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "partners/space.html", d, nil)
}

type personData struct {
	Contact  *Contact
	Person   *Person
	Events   []*Event
	Notes    []*Note
	Reasons  []web.Option
	Withdraw bool // the referral can still be withdrawn
}

// PersonShow is one referred person's states over time and the partner's notes,
// for their organisation only (never staff notes, positioning or situation), with
// the forms to add a note, correct the phone or withdraw the referral.
func (h *Handlers) PersonShow(w http.ResponseWriter, r *http.Request) {
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	p, err := OrgPerson(r.Context(), h.DB, c, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.personPage(w, r, http.StatusOK, c, p, web.NewForm(nil))
}

func (h *Handlers) personPage(w http.ResponseWriter, r *http.Request, status int, c *Contact, p *Person, f *web.Form) {
	ctx := r.Context()
	events, err := Events(ctx, h.DB, p.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	notes, err := Notes(ctx, h.DB, p.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "partners/person.html", &personData{Contact: c, Person: p, Events: events, Notes: notes,
		Reasons: web.CodeOptions("partner.withdraw.reason.", WithdrawReasons, "form.choose"), Withdraw: p.State != Withdrawn}, f)
}

// partnerPerson loads the signed-in contact, the person of the URL (of their
// organisation only) and the POSTed form.
func (h *Handlers) partnerPerson(w http.ResponseWriter, r *http.Request) (*Contact, *Person, *web.Form, bool) {
	c, ok := h.contact(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	p, err := OrgPerson(r.Context(), h.DB, c, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	f, ok := h.Render.Form(w, r)
	return c, p, f, ok
}

func personPath(p *Person) string { return "/partner/people/" + id64(p.ID) }

// NoteAdd keeps a note for the adviser: the language the person speaks, whether
// an interpreter is needed, constraints.
func (h *Handlers) NoteAdd(w http.ResponseWriter, r *http.Request) {
	c, p, f, ok := h.partnerPerson(w, r)
	if !ok {
		return
	}
	f.MaxLength("language", 100)
	f.MaxLength("note", 2000)
	n := &Note{PersonID: p.ID, ContactID: c.ID, Language: f.Get("language"), Interpreter: f.Get("interpreter") == "yes", Body: f.Get("note")}
	if n.Language == "" && !n.Interpreter && n.Body == "" {
		f.Fail("note", "partner.note.empty")
	}
	if !f.Valid() {
		h.personPage(w, r, http.StatusUnprocessableEntity, c, p, f)
		return
	}
	if err := AddNote(r.Context(), h.DB, n); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(r.Context(), "partner note", "person_id", p.ID, "contact_id", c.ID)
	h.Flash(r, "partner.note.saved")
	http.Redirect(w, r, personPath(p)+"#notes", http.StatusSeeOther)
}

// PhoneSave corrects the phone number of a person the organisation referred, read
// as a number of the antenna's country; the file's history keeps who did it.
func (h *Handlers) PhoneSave(w http.ResponseWriter, r *http.Request) {
	c, p, f, ok := h.partnerPerson(w, r)
	if !ok {
		return
	}
	f.Required("phone")
	f.MaxLength("phone", 40)
	if f.Valid() {
		done, err := CorrectPhone(r.Context(), h.DB, p, c, f.Get("phone"))
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if !done {
			f.Fail("phone", "partner.row.phone_invalid")
		}
	}
	if !f.Valid() {
		h.personPage(w, r, http.StatusUnprocessableEntity, c, p, f)
		return
	}
	h.Log.InfoContext(r.Context(), "partner corrected a phone", "person_id", p.ID, "learner_id", p.LearnerID, "contact_id", c.ID)
	h.Flash(r, "partner.phone.saved")
	http.Redirect(w, r, personPath(p), http.StatusSeeOther)
}

// WithdrawSave withdraws the referral of a person, with a reason; their file is
// kept, and staff see the withdrawal with the referral.
func (h *Handlers) WithdrawSave(w http.ResponseWriter, r *http.Request) {
	c, p, f, ok := h.partnerPerson(w, r)
	if !ok {
		return
	}
	reason := f.Get("reason")
	if !slices.Contains(WithdrawReasons, reason) {
		f.Fail("reason", "partner.withdraw.reason_required")
	}
	if !f.Valid() {
		h.personPage(w, r, http.StatusUnprocessableEntity, c, p, f)
		return
	}
	if err := Withdraw(r.Context(), h.DB, c, p.ID, reason); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(r.Context(), "partner withdrew a referral", "person_id", p.ID, "contact_id", c.ID, "reason", reason)
	h.Flash(r, "partner.withdraw.done")
	http.Redirect(w, r, personPath(p), http.StatusSeeOther)
}

// Export streams the organisation's people (in the state chosen, if any) as CSV,
// with what the partner space shows of them and nothing more.
func (h *Handlers) Export(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	state := r.URL.Query().Get("state")
	if !slices.Contains(States, state) {
		state = ""
	}
	p := i18n.FromContext(ctx)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+p.T("partner.export.filename")+`-`+time.Now().Format(time.DateOnly)+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	// A byte order mark, so that a spreadsheet opens accents right.
	io.WriteString(w, sheet.BOM)
	sep := ';'
	if p.Lang == "en" {
		sep = ','
	}
	cw := sheet.NewWriter(w, sep)
	header := []string{"partner.column.first_name", "partner.column.last_name", "partner.antenna", "partner.programme",
		"partner.export.state", "partner.export.reason", "partner.referred_on", "partner.export.since"}
	for i, k := range header {
		header[i] = p.T(k)
	}
	cw.Strings(header)
	n := 0
	err := EachOrgPerson(ctx, h.DB, c, state, func(x *Person) error {
		reason := ""
		switch {
		case x.State == Declined && x.Reason != "":
			reason = p.T("partner.reason." + x.Reason)
		case x.State == Withdrawn && x.Reason != "":
			reason = p.T("partner.withdraw.reason." + x.Reason)
		}
		if err := cw.Row(x.FirstName, x.LastName, x.AntennaName, x.ProgrammeTitle, p.T("partner.state."+x.State), reason,
			sheet.Date{Time: x.ReferredAt}, sheet.Date{Time: x.UpdatedAt}); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			if err := cw.Flush(); err != nil {
				return err
			}
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		return nil
	})
	if e := cw.Flush(); err == nil {
		err = e
	}
	if err != nil {
		// Headers are gone: the cut file is the sign; the log says why.
		h.Log.ErrorContext(ctx, "partner export cut", "contact_id", c.ID, "err", err)
		return
	}
	h.Log.InfoContext(ctx, "partner export", "contact_id", c.ID, "people", n)
}

type colleaguesData struct {
	Contact    *Contact
	Colleagues []*Contact
}

// Colleagues lists the organisation's contacts who may sign in, with the form to
// invite another.
func (h *Handlers) Colleagues(w http.ResponseWriter, r *http.Request) {
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	h.colleaguesPage(w, r, http.StatusOK, c, web.NewForm(nil))
}

func (h *Handlers) colleaguesPage(w http.ResponseWriter, r *http.Request, status int, c *Contact, f *web.Form) {
	all, err := Contacts(r.Context(), h.DB, c.OrgID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &colleaguesData{Contact: c}
	for _, x := range all {
		if x.Active && x.Email != "" {
			d.Colleagues = append(d.Colleagues, x)
		}
	}
	h.Render.Render(w, r, status, "partners/colleagues.html", d, f)
}

// sameOrgContact returns the active contact of the organisation with email,
// confirmed or to confirm; nil when none.
func sameOrgContact(ctx context.Context, h *Handlers, orgID int64, email string) (*Contact, error) {
	all, err := Contacts(ctx, h.DB, orgID)
	if err != nil {
		return nil, err
	}
	email = auth.NormalizeEmail(email)
	for _, x := range all {
		if x.Active && (x.Email == email || x.NewEmail == email) {
			return x, nil
		}
	}
	return nil, nil
}

// Invite makes a colleague of the same organisation a partner contact and emails
// them an invitation, whose link confirms their address and signs them in.
func (h *Handlers) Invite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ok := h.contact(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("name", "email")
	f.MaxLength("name", 200)
	f.MaxLength("email", 200)
	f.MaxLength("role", 200)
	email, ok := check.Email(f.Get("email"))
	if email != "" && !ok {
		f.Fail("email", "form.email")
	}
	if !f.Valid() {
		h.colleaguesPage(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	p := i18n.FromContext(ctx)
	// A colleague sees the antennas the inviter sees, once they have confirmed
	// their address with the link of the invitation. The same answer whether
	// the address is another organisation's contact or nobody's: the page tells
	// no partner which addresses are known.
	if err := ContactAntennas(ctx, h.DB, c); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	colleague, err := sameOrgContact(ctx, h, c.OrgID, email)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	switch {
	case colleague != nil && colleague.Email == auth.NormalizeEmail(email):
		// Already a colleague (a double tap, or one who lost their link): a
		// sign-in link again.
		token, err := NewLink(ctx, h.DB, colleague.ID, time.Now())
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if token != "" {
			msg := notifyEmail(colleague.Email, p.T("partner.login_email.subject"),
				p.T("partner.login_email.body", "name", colleague.Name, "link", h.signInLink(token, ""), "minutes", int(LinkLifetime.Minutes())))
			if err := h.Mail.Send(ctx, msg); err != nil {
				h.Log.ErrorContext(ctx, "partner: sign-in email not sent", "contact_id", colleague.ID, "err", err)
			}
		}
	case colleague != nil:
		// Invited before, not yet confirmed: the invitation again.
		if err := h.askConfirmation(ctx, colleague, "partner.invite_email.subject", "partner.invite_email.body", "by", c.Name); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	default:
		colleague = &Contact{OrgID: c.OrgID, OrgName: c.OrgName, Name: f.Get("name"), Role: f.Get("role"), Active: true, Lang: p.Lang}
		if _, err := SaveContactFor(ctx, h.DB, colleague, email, 0, c.Antennas, nil); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if err := h.askConfirmation(ctx, colleague, "partner.invite_email.subject", "partner.invite_email.body", "by", c.Name); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Log.InfoContext(ctx, "partner invited a colleague", "contact_id", c.ID, "colleague_id", colleague.ID)
	h.Flash(r, "partner.invite.sent")
	http.Redirect(w, r, "/partner/colleagues", http.StatusSeeOther)
}
