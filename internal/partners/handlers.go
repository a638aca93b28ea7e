package partners

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/siret"
	"tremplin/internal/platform/web"
)

// Choice is one checkbox of a group.
type Choice struct {
	Value   string
	Label   string
	Raw     bool // Label is a name, not a catalog key
	Checked bool
}

func id64(v int64) string { return strconv.FormatInt(v, 10) }

// List is the directory of partner organisations of the staff member's antennas.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	stage := r.URL.Query().Get("stage")
	if !slices.Contains(Stages, stage) {
		stage = ""
	}
	orgs, err := Orgs(ctx, h.DB, st.Scope(), stage)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "partners/list.html", struct {
		Orgs   []*Org
		Stages []web.Option
	}{orgs, web.CodeOptions("partner.stage.", Stages, "partner.all_stages")}, web.NewForm(url.Values{"stage": {stage}}))
}

type orgFormData struct {
	ID       int64
	Kinds    []web.Option
	Stages   []web.Option
	Antennas []Choice
}

func (h *Handlers) orgFormData(ctx context.Context, id int64, f *web.Form) (*orgFormData, []int64, error) {
	antennas, err := org.Antennas(ctx, h.DB, auth.Current(ctx).Scope())
	if err != nil {
		return nil, nil, err
	}
	d := &orgFormData{ID: id, Kinds: web.CodeOptions("partner.kind.", Kinds, "form.choose"), Stages: web.CodeOptions("partner.stage.", Stages, "")}
	var ids []int64
	for _, a := range antennas {
		v := id64(a.ID)
		d.Antennas = append(d.Antennas, Choice{Value: v, Label: a.Name, Raw: true, Checked: slices.Contains(f.All("antennas"), v)})
		ids = append(ids, a.ID)
	}
	return d, ids, nil
}

// New shows the form for a new organisation.
func (h *Handlers) New(w http.ResponseWriter, r *http.Request) {
	f := web.NewForm(url.Values{"stage": {Stages[0]}})
	if st := auth.Current(r.Context()); len(st.Antennas) == 1 {
		f.Set("antennas", id64(st.Antennas[0]))
	}
	d, _, err := h.orgFormData(r.Context(), 0, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "partners/org_form.html", d, f)
}

// Edit shows an organisation's form.
func (h *Handlers) Edit(w http.ResponseWriter, r *http.Request) {
	o, err := OrgByID(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"name": {o.Name}, "kind": {o.Kind}, "identifier": {o.Identifier}, "address": {o.Address}, "stage": {o.Stage}})
	for _, a := range o.Antennas {
		f.Values.Add("antennas", id64(a))
	}
	d, _, err := h.orgFormData(r.Context(), o.ID, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "partners/org_form.html", d, f)
}

// Save creates or updates an organisation, in the staff member's antennas.
func (h *Handlers) Save(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	o := &Org{}
	if id := web.PathID(r, "id"); id != 0 || r.PathValue("id") != "" {
		var err error
		if o, err = OrgByID(ctx, h.DB, st.Scope(), id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	d, editable, err := h.orgFormData(ctx, o.ID, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f.Required("name")
	f.MaxLength("name", 200)
	f.MaxLength("address", 300)
	if !slices.Contains(Kinds, f.Get("kind")) {
		f.Fail("kind", "form.choose")
	}
	if !slices.Contains(Stages, f.Get("stage")) {
		f.Fail("stage", "form.choose")
	}
	ident := siret.Normalize(f.Get("identifier"))
	if ident != "" && siret.Kind(ident) == "" {
		f.Fail("identifier", "partner.identifier_invalid")
	}
	var chosen []int64
	for _, v := range f.All("antennas") {
		id, _ := strconv.ParseInt(v, 10, 64)
		if slices.Contains(editable, id) && !slices.Contains(chosen, id) {
			chosen = append(chosen, id)
		}
	}
	if len(chosen) == 0 {
		f.Fail("antennas", "partner.antennas_required")
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "partners/org_form.html", d, f)
		return
	}
	o.Name, o.Kind, o.Identifier, o.Address, o.Stage, o.Antennas = f.Get("name"), f.Get("kind"), ident, f.Get("address"), f.Get("stage"), chosen
	if err := SaveOrg(ctx, h.DB, o, editable); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/partners/"+id64(o.ID), http.StatusSeeOther)
}

type showData struct {
	Org              *Org
	Contacts         []*Contact
	Interactions     []*Interaction
	Referrals        []*Referral
	Figures          *Figures
	InteractionKinds []web.Option
	Stages           []web.Option
}

// Show is an organisation's page: details, figures, contacts, outreach log and
// referrals, with the forms to add a contact and log an interaction.
func (h *Handlers) Show(w http.ResponseWriter, r *http.Request) {
	o, err := OrgByID(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.show(w, r, http.StatusOK, o, web.NewForm(url.Values{"interaction_kind": {"call"}}))
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request, status int, o *Org, f *web.Form) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	d := &showData{Org: o, InteractionKinds: web.CodeOptions("partner.interaction.", InteractionKinds, ""),
		Stages: web.CodeOptions("partner.stage.", Stages, "partner.stage_unchanged")}
	var err error
	if d.Contacts, err = Contacts(ctx, h.DB, o.ID); err == nil {
		if d.Interactions, err = Interactions(ctx, h.DB, o.ID); err == nil {
			if d.Referrals, err = Referrals(ctx, h.DB, sc, o.ID, 50); err == nil {
				d.Figures, err = h.orgFigures(ctx, o)
			}
		}
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "partners/org.html", d, f)
}

// orgFigures counts what became of the people o referred to the viewer's
// antennas: from the impact counters, read a few rows at a time, or from the
// packages' tables while the counters are first built.
func (h *Handlers) orgFigures(ctx context.Context, o *Org) (*Figures, error) {
	st := auth.Current(ctx)
	if h.Counters != nil {
		if ready, err := h.Counters(ctx); err != nil || ready {
			if err != nil {
				return nil, err
			}
			return OrgCounters(ctx, h.DB, antennasOf(st), o)
		}
	}
	figs, err := OrgFigures(ctx, h.DB, st.Scope(), o.ID)
	if err != nil || len(figs) == 0 {
		return &Figures{OrgID: o.ID, OrgName: o.Name}, err
	}
	return figs[0], nil
}

// checkContact reads a contact's fields from the form; it returns the address
// typed, which SaveContactFor keeps to be confirmed.
func checkContact(f *web.Form, c *Contact) string {
	f.Required("contact_name")
	f.MaxLength("contact_name", 200)
	f.MaxLength("contact_role", 200)
	f.MaxLength("contact_email", 200)
	f.MaxLength("contact_phone", 40)
	email, ok := check.Email(f.Get("contact_email"))
	if email != "" && !ok {
		f.Fail("contact_email", "form.email")
	}
	c.Name, c.Role, c.Phone = f.Get("contact_name"), f.Get("contact_role"), f.Get("contact_phone")
	return email
}

// contactEditable are the antennas of o a staff member may vouch for a contact
// in: theirs (every one of o's for an admin).
func contactEditable(st *auth.Staff, o *Org) []int64 {
	var out []int64
	for _, a := range o.Antennas {
		if st.InAntenna(a) {
			out = append(out, a)
		}
	}
	return out
}

// emailSeen reports whether email is, confirmed or to confirm, the address of a
// contact (other than contactID) of an organisation the staff member sees: only
// then may the form say it is taken, as the staff member can read it on that
// organisation's page anyway. An address known only outside their antennas is
// saved like any other, to be confirmed from its mailbox.
func (h *Handlers) emailSeen(ctx context.Context, email string, contactID int64) (bool, error) {
	if email == "" {
		return false, nil
	}
	orgs, err := EmailHolders(ctx, h.DB, email, contactID)
	if err != nil {
		return false, err
	}
	sc := auth.Current(ctx).Scope()
	for _, id := range orgs {
		if _, err := OrgByID(ctx, h.DB, sc, id); err == nil {
			return true, nil
		} else if !errors.Is(err, db.ErrNotFound) {
			return false, err
		}
	}
	return false, nil
}

// saveContact saves a contact from a valid form as the staff member asks, and
// sends the link that confirms the address typed. It reports whether it has
// answered; when not, the form is to be shown again with its errors (the address
// is taken on a contact the staff member sees).
func (h *Handlers) saveContact(w http.ResponseWriter, r *http.Request, f *web.Form, c *Contact, o *Org, email string, chosen []int64) bool {
	ctx := r.Context()
	st := auth.Current(ctx)
	taken, err := h.emailSeen(ctx, email, c.ID)
	if err == nil && taken {
		f.Fail("contact_email", "partner.email_taken")
		return false
	}
	var confirm bool
	if err == nil {
		confirm, err = SaveContactFor(ctx, h.DB, c, email, st.ID, chosen, contactEditable(st, o))
	}
	if err == nil && confirm {
		c.OrgName = o.Name
		err = h.askConfirmation(ctx, c, "partner.confirm_email.subject", "partner.confirm_email.body")
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return true
	}
	if confirm {
		h.Flash(r, "partner.contact.confirm_sent")
	} else {
		h.Flash(r, "saved")
	}
	http.Redirect(w, r, "/partners/"+id64(o.ID)+"#contacts", http.StatusSeeOther)
	return true
}

// ContactAdd adds a contact to an organisation. It sees the people referred to
// the antennas of the staff member who adds it, and signs in once the address
// typed is confirmed from its mailbox.
func (h *Handlers) ContactAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	o, err := OrgByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	c := &Contact{OrgID: o.ID, Active: true, Lang: i18n.Default}
	email := checkContact(f, c)
	if f.Valid() && h.saveContact(w, r, f, c, o, email, contactEditable(st, o)) {
		return
	}
	h.show(w, r, http.StatusUnprocessableEntity, o, f)
}

// orgContact loads the organisation (in scope) and its contact of the URL.
func (h *Handlers) orgContact(w http.ResponseWriter, r *http.Request) (*Org, *Contact, bool) {
	ctx := r.Context()
	o, err := OrgByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	c, err := ContactByID(ctx, h.DB, web.PathID(r, "contact"))
	if err == nil && c.OrgID != o.ID {
		err = db.ErrNotFound
	}
	if err == nil {
		err = ContactAntennas(ctx, h.DB, c)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, false
	}
	return o, c, true
}

type contactFormData struct {
	Org      *Org
	Contact  *Contact
	Antennas []Choice // those the staff member may tick
	Others   []string // the contact's antennas the staff member does not belong to
}

func (h *Handlers) contactFormData(ctx context.Context, o *Org, c *Contact, f *web.Form) *contactFormData {
	st := auth.Current(ctx)
	d := &contactFormData{Org: o, Contact: c}
	editable := contactEditable(st, o)
	for i, a := range o.Antennas {
		if slices.Contains(editable, a) {
			v := id64(a)
			d.Antennas = append(d.Antennas, Choice{Value: v, Label: o.AntennaNames[i], Raw: true, Checked: slices.Contains(f.All("contact_antennas"), v)})
		} else if slices.Contains(c.Antennas, a) {
			d.Others = append(d.Others, o.AntennaNames[i])
		}
	}
	return d
}

// ContactEdit shows a contact's form.
func (h *Handlers) ContactEdit(w http.ResponseWriter, r *http.Request) {
	o, c, ok := h.orgContact(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"contact_name": {c.Name}, "contact_role": {c.Role}, "contact_email": {cmp.Or(c.NewEmail, c.Email)},
		"contact_phone": {c.Phone}})
	if c.Active {
		f.Set("active", "yes")
	}
	for _, a := range c.Antennas {
		f.Values.Add("contact_antennas", id64(a))
	}
	h.Render.Render(w, r, http.StatusOK, "partners/contact_form.html", h.contactFormData(r.Context(), o, c, f), f)
}

// ContactSave updates a contact; an inactive contact can no longer sign in. A
// new address is used once confirmed from its mailbox; the staff member who
// typed it vouches for the contact in their antennas only, so once confirmed
// the contact sees no other antenna's people.
func (h *Handlers) ContactSave(w http.ResponseWriter, r *http.Request) {
	o, c, ok := h.orgContact(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	email := checkContact(f, c)
	c.Active = f.Get("active") == "yes"
	var chosen []int64
	for _, v := range f.All("contact_antennas") {
		id, _ := strconv.ParseInt(v, 10, 64)
		chosen = append(chosen, id) // SaveContactFor keeps those the staff member may choose
	}
	if f.Valid() && h.saveContact(w, r, f, c, o, email, chosen) {
		return
	}
	h.Render.Render(w, r, http.StatusUnprocessableEntity, "partners/contact_form.html", h.contactFormData(r.Context(), o, c, f), f)
}

// InteractionAdd logs a call, email, meeting or information session, with an
// optional next step and a change of stage.
func (h *Handlers) InteractionAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	o, err := OrgByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	it := &Interaction{OrgID: o.ID, Kind: f.Get("interaction_kind"), Note: f.Get("note"), Stage: f.Get("stage"),
		NextStep: f.Get("next_step"), DueOn: f.Get("due_on"), StaffID: st.ID}
	if !slices.Contains(InteractionKinds, it.Kind) {
		f.Fail("interaction_kind", "form.choose")
	}
	if it.Stage != "" && !slices.Contains(Stages, it.Stage) {
		f.Fail("stage", "form.choose")
	}
	f.MaxLength("note", 4000)
	f.MaxLength("next_step", 300)
	if it.DueOn != "" {
		if _, err := time.Parse(time.DateOnly, it.DueOn); err != nil {
			f.Fail("due_on", "partner.date_invalid")
		}
	}
	if it.NextStep != "" && it.DueOn == "" {
		f.Fail("due_on", "partner.due_required")
	}
	if it.NextStep == "" && it.DueOn != "" {
		f.Fail("next_step", "partner.next_step_required")
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, o, f)
		return
	}
	if err := AddInteraction(ctx, h.DB, it); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/partners/"+id64(o.ID)+"#outreach", http.StatusSeeOther)
}

// Outreach is what is due this week: the staff member's next steps (everyone's in
// their antennas with ?all=1), and the organisations still to contact.
func (h *Handlers) Outreach(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	all := r.URL.Query().Get("all") == "1"
	who := st.ID
	if all {
		who = 0
	}
	until := EndOfWeek(time.Now())
	due, err := DueNextSteps(ctx, h.DB, st.Scope(), who, until)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	toContact, err := Orgs(ctx, h.DB, st.Scope(), "to_contact")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	until2, _ := time.Parse(time.DateOnly, until)
	h.Render.Render(w, r, http.StatusOK, "partners/outreach.html", struct {
		All       bool
		Due       []*Interaction
		Until     time.Time
		ToContact []*Org
	}{all, due, until2, toContact}, nil)
}

// NextStepDone closes a next step.
func (h *Handlers) NextStepDone(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	if err := MarkDone(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id")); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	back := "/outreach"
	if r.URL.Query().Get("all") == "1" {
		back += "?all=1"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// referralsPage is how many referrals one page of the list shows.
const referralsPage = 50

// ReferralList lists the referrals to the staff member's antennas, newest first,
// a page at a time (?after= the last one of the page before).
func (h *Handlers) ReferralList(w http.ResponseWriter, r *http.Request) {
	var after *Cursor
	if c, ok := ParseCursor(r.URL.Query().Get("after")); ok {
		after = &c
	}
	list, next, err := ReferralsPage(r.Context(), h.DB, antennasOf(auth.Current(r.Context())), after, referralsPage)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := struct {
		Referrals []*Referral
		Next      string
		Later     bool // a page after the first: a link back to the newest
	}{Referrals: list, Later: after != nil}
	if next != "" {
		d.Next = "/referrals?after=" + url.QueryEscape(next)
	}
	h.Render.Render(w, r, http.StatusOK, "partners/referrals.html", d, nil)
}

// ReferralShow is one referral: its people, their states, and the decisions
// taken on the referral itself (received, unreachable, declined).
func (h *Handlers) ReferralShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ref, err := ReferralByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	people, err := People(ctx, h.DB, ref.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	notes, err := Notes(ctx, h.DB, ids...)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	byPerson := map[int64][]*Note{}
	for _, n := range notes {
		byPerson[n.PersonID] = append(byPerson[n.PersonID], n)
	}
	h.Render.Render(w, r, http.StatusOK, "partners/referral.html", struct {
		Referral *Referral
		People   []*Person
		Notes    map[int64][]*Note
		Reasons  []string
	}{ref, people, byPerson, DeclineReasons}, nil)
}

// PersonState records received, unreachable or declined (with a reason) for one
// referred person, logs it and tells the partner.
func (h *Handlers) PersonState(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	p, err := personInScope(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	state, reason := f.Get("state"), f.Get("reason")
	if !slices.Contains([]string{Received, Unreachable, Declined}, state) || (state == Declined && !slices.Contains(DeclineReasons, reason)) {
		h.Render.Error(w, r, http.StatusBadRequest)
		return
	}
	if _, err := SetState(ctx, h.DB, st.Scope(), p.ID, state, reason, st.ID, h.tell); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/referrals/"+id64(p.ReferralID), http.StatusSeeOther)
}

// figuresPage is how many organisations one page of the figures shows: each sums
// its organisations' rows of the counters (about 500 each at national scale).
const figuresPage = 25

// FiguresPage counts, per organisation, the people referred and how far they
// went, a page of organisations at a time, from the impact counters.
func (h *Handlers) FiguresPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.Counters != nil {
		ready, err := h.Counters(ctx)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if !ready {
			w.Header().Set("Retry-After", "60")
			h.Render.Render(w, r, http.StatusServiceUnavailable, "partners/figures.html", &figuresData{Building: true}, nil)
			return
		}
	}
	page := pageOf(r)
	figs, more, err := FiguresPage(ctx, h.DB, antennasOf(auth.Current(ctx)), (page-1)*figuresPage, figuresPage)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	pager := &Pager{Page: page}
	if page > 1 {
		pager.Prev = "/partners/figures"
		if page > 2 {
			pager.Prev += "?page=" + strconv.Itoa(page-1)
		}
	}
	if more {
		pager.Next = "/partners/figures?page=" + strconv.Itoa(page+1)
	}
	h.Render.Render(w, r, http.StatusOK, "partners/figures.html", &figuresData{Figures: figs, Pager: pager}, nil)
}

type figuresData struct {
	Figures  []*Figures
	Pager    *Pager
	Building bool // the counters are being built for the first time
}

// LearnerStatusChanged is the learners package's OnStatus callback: the referral
// state of the person follows their file, the change is logged, and the referring
// contact is told by email (tell.go), in the same transaction.
func (h *Handlers) LearnerStatusChanged(ctx context.Context, learnerID int64, status string, staffID int64) error {
	_, err := FollowLearner(ctx, h.DB, learnerID, status, staffID, h.tell)
	return err
}

// ShortName is a first name and the initial of the last name: "Omar J.".
func ShortName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if r, _ := utf8.DecodeRuneInString(last); last != "" && r != utf8.RuneError {
		return first + " " + string(r) + "."
	}
	return first
}
