package donations

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// List is the donors the person may see, searched by name or email: GET
// /donors?q=.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query().Get("q")
	page, offset := web.PageOf(r, DonorsPerPage)
	list, err := Donors(ctx, h.DB, auth.Current(ctx).Scope(), q, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "donations/donors.html", struct {
		Donors []*Donor
		Q      string
		Pager  web.Pager
	}{list[:min(len(list), DonorsPerPage)], q, web.NewPager(r, page, len(list) > DonorsPerPage)}, nil)
}

type donorForm struct {
	ID       int64
	Kinds    []web.Option
	Antennas []web.Option
}

// New shows the form of a new donor: GET /donors/new.
func (h *Handlers) New(w http.ResponseWriter, r *http.Request) {
	h.donorForm(w, r, http.StatusOK, 0, web.NewForm(url.Values{"kind": {Individual}, "country": {"FR"}}))
}

// Edit shows a donor's form: GET /donors/{id}/edit.
func (h *Handlers) Edit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := DonorInScope(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.donorForm(w, r, http.StatusOK, o.ID, web.NewForm(url.Values{"kind": {o.Kind}, "first_name": {o.FirstName}, "last_name": {o.LastName},
		"org_name": {o.OrgName}, "siren": {o.SIREN}, "address": {o.Address}, "postcode": {o.Postcode}, "city": {o.City},
		"country": {o.Country}, "email": {o.Email}, "phone": {o.Phone}, "antenna": {idString(o.AntennaID)}, "turnover": {turnoverText(o)}}))
}

// turnoverText is a company's turnover as its field shows it, in whole euros.
func turnoverText(o *Donor) string {
	if o.TurnoverCents == 0 {
		return ""
	}
	return strconv.FormatInt(o.TurnoverCents/100, 10)
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func (h *Handlers) donorForm(w http.ResponseWriter, r *http.Request, status int, id int64, f *web.Form) {
	ctx := r.Context()
	st := auth.Current(ctx)
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := donorForm{ID: id, Kinds: web.CodeOptions("donations.donor_kind.", []string{Individual, Organisation}, "")}
	if st.Role.National() {
		p.Antennas = append(p.Antennas, web.Option{Value: "", Label: "donations.whole_association"})
	}
	for _, a := range antennas {
		p.Antennas = append(p.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
	}
	h.Render.Render(w, r, status, "donations/donor_form.html", p, f)
}

var (
	sirenShape    = regexp.MustCompile(`^[0-9]{9}$`)
	postcodeShape = regexp.MustCompile(`^[0-9A-Za-z -]{3,10}$`)
	emailShape    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Save creates or changes a donor: POST /donors, POST /donors/{id}/edit.
func (h *Handlers) Save(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	o := &Donor{}
	if r.PathValue("id") != "" {
		var err error
		if o, err = DonorInScope(ctx, h.DB, st.Scope(), web.PathID(r, "id")); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	o.Kind = f.Get("kind")
	switch o.Kind {
	case Individual:
		f.Required("last_name")
	case Organisation:
		f.Required("org_name")
	default:
		f.Fail("kind", "form.choose")
	}
	for _, n := range []string{"first_name", "last_name", "org_name", "address", "city", "email", "phone"} {
		f.MaxLength(n, 200)
	}
	o.FirstName, o.LastName, o.OrgName = f.Get("first_name"), f.Get("last_name"), f.Get("org_name")
	o.SIREN = strings.ReplaceAll(f.Get("siren"), " ", "")
	if o.SIREN != "" && (o.Kind != Organisation || !sirenShape.MatchString(o.SIREN)) {
		f.Fail("siren", "donations.siren_invalid")
	}
	o.Address, o.Postcode, o.City = f.Get("address"), f.Get("postcode"), f.Get("city")
	if o.Postcode != "" && !postcodeShape.MatchString(o.Postcode) {
		f.Fail("postcode", "donations.postcode_invalid")
	}
	o.Country = strings.ToUpper(f.Get("country"))
	if o.Country == "" {
		o.Country = "FR"
	}
	if len(o.Country) != 2 {
		f.Fail("country", "donations.country_invalid")
	}
	o.Email, o.Phone = strings.ToLower(f.Get("email")), f.Get("phone")
	if o.Email != "" && !emailShape.MatchString(o.Email) {
		f.Fail("email", "donations.email_invalid")
	}
	o.TurnoverCents = 0
	if s := f.Get("turnover"); s != "" {
		cents, ok := parseEuros(s)
		if !ok || o.Kind != Organisation {
			f.Fail("turnover", "donations.turnover_invalid")
		}
		o.TurnoverCents = cents
	}
	o.AntennaID = 0
	if a := f.Get("antenna"); a != "" {
		id, _ := strconv.ParseInt(a, 10, 64)
		if !st.InAntenna(id) {
			f.Fail("antenna", "form.choose")
		}
		o.AntennaID = id
	} else if !st.Role.National() {
		f.Fail("antenna", "form.choose") // a manager's donors are their antennas'
	}
	if !f.Valid() {
		h.donorForm(w, r, http.StatusUnprocessableEntity, o.ID, f)
		return
	}
	if err := SaveDonor(ctx, h.DB, o); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "donations.donor_saved")
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
}

type donorPage struct {
	Donor    *Donor
	Gifts    []*Gift
	Receipts []*Receipt
	Kinds    []web.Option
	Methods  []web.Option
	// Where a gift may be restricted to: an antenna of the scope, a programme.
	ForAntennas   []web.Option
	ForProgrammes []web.Option
	Today         string
	CanIssue      bool
	Cap           *Cap // a company's year against the ceiling of its tax reduction
	// Devices of the gifts in kind, and where they may go.
	Devices  []*Device
	InKind   []*Gift
	Antennas []web.Option
	Places   map[int64][]web.Option // by antenna
	// Agreements of skills sponsorship, and the people to deal with: an
	// organisation's.
	Agreements []*Agreement
	Contacts   []*Contact
	Sent       []*SentVolunteer
}

// Show is a donor's page: who they are, what they gave, their receipts, and
// the forms to record a gift, issue a receipt and cancel one: GET /donors/{id}.
func (h *Handlers) Show(w http.ResponseWriter, r *http.Request) {
	h.show(w, r, http.StatusOK, web.NewForm(url.Values{"kind": {Money}, "method": {"transfer"},
		"received_on": {h.now().Format(time.DateOnly)}}))
}

func (h *Handlers) show(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	o, err := DonorInScope(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := &donorPage{Donor: o, Kinds: web.CodeOptions("donations.kind.", Kinds, ""),
		Methods: web.CodeOptions("donations.method.", Methods, "donations.method_none"), Today: h.now().Format(time.DateOnly)}
	sc := auth.Current(ctx).Scope()
	ants, err := org.Antennas(ctx, h.DB, sc)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p.ForAntennas = []web.Option{{Value: "", Label: "donations.not_restricted"}}
	for _, a := range ants {
		p.ForAntennas = append(p.ForAntennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
	}
	progs, err := training.ProgrammesIn(ctx, h.DB, sc, false)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p.ForProgrammes = []web.Option{{Value: "", Label: "donations.not_restricted"}}
	for _, pr := range progs {
		p.ForProgrammes = append(p.ForProgrammes, web.Option{Value: strconv.FormatInt(pr.ID, 10), Label: pr.Title, Raw: true})
	}
	if p.Gifts, err = GiftsOf(ctx, h.DB, o.ID, 200); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if p.Receipts, err = ReceiptsOf(ctx, h.DB, o.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, g := range p.Gifts {
		p.CanIssue = p.CanIssue || g.Receiptable()
	}
	for _, g := range p.Gifts {
		if g.Kind == InKind && g.State == "received" {
			p.InKind = append(p.InKind, g)
		}
	}
	if o.Kind == Organisation {
		if p.Agreements, err = AgreementsOf(ctx, h.DB, o.ID); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if p.Contacts, err = ContactsOf(ctx, h.DB, o.ID); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if p.Sent, err = VolunteersSent(ctx, h.DB, sc, o.ID); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if p.Devices, err = DevicesOfDonor(ctx, h.DB, o.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(p.InKind) > 0 {
		sc := auth.Current(ctx).Scope()
		antennas, err := org.Antennas(ctx, h.DB, sc)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		p.Places = map[int64][]web.Option{}
		for _, a := range antennas {
			p.Antennas = append(p.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
		}
		for _, v := range p.Devices {
			if _, done := p.Places[v.AntennaID]; done || v.State != "stock" {
				continue
			}
			places, err := org.Places(ctx, h.DB, sc, v.AntennaID)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			p.Places[v.AntennaID] = nil
			for _, pl := range places {
				p.Places[v.AntennaID] = append(p.Places[v.AntennaID], web.Option{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name, Raw: true})
			}
		}
		if f.Get("device_antenna") == "" && o.AntennaID != 0 {
			f.Set("device_antenna", strconv.FormatInt(o.AntennaID, 10))
		}
	}
	if o.Kind == Organisation {
		if p.Cap, err = CompanyCap(ctx, h.DB, o, h.now().Year()); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, status, "donations/donor.html", p, f)
}

// parseEuros reads an amount typed in euros ("1 234,50", "1234.5", "20 €")
// as cents.
func parseEuros(s string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", "EUR", "", "eur", "").Replace(strings.TrimSpace(s))
	s = strings.Replace(s, ",", ".", 1)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || n < 0 || n > 100_000_000 {
		return 0, false
	}
	var c int64
	if frac != "" {
		c, err = strconv.ParseInt(frac, 10, 64)
		if err != nil || c < 0 {
			return 0, false
		}
		if len(frac) == 1 {
			c *= 10
		}
	}
	return n*100 + c, true
}

// posted reads a form sent about one of the donors the person may see (the
// {id} of the path); false when the page was answered already (another
// antenna's donor: the 404 page).
func (h *Handlers) posted(w http.ResponseWriter, r *http.Request) (*auth.Staff, *Donor, *web.Form, bool) {
	st := auth.Current(r.Context())
	o, err := DonorInScope(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	f, ok := h.Render.Form(w, r)
	return st, o, f, ok
}

// AddGiftPage records a gift of the donor: POST /donors/{id}/gifts.
func (h *Handlers) AddGiftPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	g := &Gift{DonorID: o.ID, Kind: f.Get("kind"), Method: f.Get("method"), Description: f.Get("description"), CreatedBy: st.ID,
		Recurring: f.Get("recurring") == "yes"}
	f.Required("amount", "received_on")
	f.MaxLength("description", 500)
	switch g.Kind {
	case Money:
		if g.Method == "" || g.Method == "helloasso" {
			f.Fail("method", "donations.method_needed") // HelloAsso's come by import
		}
	case InKind, Skills:
		g.Method = ""
		if g.Description == "" {
			f.Fail("description", "donations.description_needed")
		}
	default:
		f.Fail("kind", "form.choose")
	}
	if f.Get("amount") != "" {
		cents, ok := parseEuros(f.Get("amount"))
		if !ok || cents <= 0 {
			f.Fail("amount", "donations.amount_invalid")
		}
		g.AmountCents = cents
	}
	if s := f.Get("received_on"); s != "" {
		on, err := time.Parse(time.DateOnly, s)
		switch {
		case err != nil:
			f.Fail("received_on", "donations.date_invalid")
		case on.After(h.now()):
			f.Fail("received_on", "donations.date_future")
		}
		g.ReceivedOn = on
	}
	if a := f.Get("for_antenna"); a != "" {
		g.AntennaID, _ = strconv.ParseInt(a, 10, 64)
		if !st.InAntenna(g.AntennaID) {
			f.Fail("for_antenna", "form.choose")
		}
	}
	if pr := f.Get("for_programme"); pr != "" {
		g.ProgrammeID, _ = strconv.ParseInt(pr, 10, 64)
		if _, err := training.ProgrammeByID(ctx, h.DB, g.ProgrammeID); err != nil {
			f.Fail("for_programme", "form.choose")
		}
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := AddGift(ctx, h.DB, g); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "donations.gift_saved")
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#gifts", http.StatusSeeOther)
}

// IssuePage issues one receipt for the gifts ticked: POST /donors/{id}/receipts.
func (h *Handlers) IssuePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	// A receipt says who signs it and the association's address and purpose:
	// without them none is issued.
	set, err := LoadSettings(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if !set.Complete() {
		f.Fail("gift", "donations.refused.settings")
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	var gifts []int64
	for _, s := range f.All("gift") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			gifts = append(gifts, id)
		}
	}
	_, err = Issue(ctx, h.DB, o.ID, gifts, h.now(), st.ID)
	if key := refusal(err); key != "" {
		f.Fail("gift", key)
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "donations.receipt_issued")
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#receipts", http.StatusSeeOther)
}

// refusal is the catalog key that explains why a receipt could not be issued
// or cancelled, "" for another error.
func refusal(err error) string {
	for err2, key := range map[error]string{ErrAddress: "donations.refused.address", ErrNoGift: "donations.refused.no_gift",
		ErrNotReceived: "donations.refused.not_received", ErrHelloAsso: "donations.refused.helloasso",
		ErrReceipted: "donations.refused.receipted", ErrNotIssued: "donations.refused.not_issued",
		ErrReasonNeeded: "donations.refused.reason"} {
		if errors.Is(err, err2) {
			return key
		}
	}
	return ""
}

// CancelPage withdraws one of the donor's receipts, with the reason: POST
// /donors/{id}/receipts/{receipt}/cancel.
func (h *Handlers) CancelPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	rc, err := ReceiptByID(ctx, h.DB, web.PathID(r, "receipt"))
	if err != nil || rc.DonorID != o.ID {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	f.MaxLength("reason", 300)
	if f.Valid() {
		err = Cancel(ctx, h.DB, rc.ID, f.Get("reason"), st.ID)
		if key := refusal(err); key != "" {
			f.Fail("reason", key)
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		f.Set("cancel", strconv.FormatInt(rc.ID, 10))
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.Flash(r, "donations.receipt_cancelled")
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#receipts", http.StatusSeeOther)
}

// MaxImportBytes is the largest HelloAsso file accepted.
const MaxImportBytes = 16 << 20

// ImportForm is the page to import HelloAsso's payments: GET /donations/import.
func (h *Handlers) ImportForm(w http.ResponseWriter, r *http.Request) {
	h.Render.Render(w, r, http.StatusOK, "donations/import.html", (*Import)(nil), web.NewForm(nil))
}

// ImportUpload imports HelloAsso's payments (the JSON of its API v5) and shows
// what each payment became; a file refused is explained row by row, and
// nothing of it is written: POST /donations/import.
func (h *Handlers) ImportUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, data, _, err := web.Upload(r, "file", MaxImportBytes)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if data == nil {
		f.Fail("file", "donations.import.file_required")
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "donations/import.html", (*Import)(nil), f)
		return
	}
	rep, err := ImportHelloAsso(ctx, h.DB, strings.NewReader(string(data)), auth.Current(ctx).ID)
	switch {
	case errors.Is(err, ErrImport):
		f.Fail("file", "donations.import.refused")
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "donations/import.html", rep, f)
		return
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "helloasso import", "added", rep.Added, "unchanged", rep.Unchanged, "refunded", rep.Refunded,
		"skipped", rep.Skipped, "staff_id", auth.Current(ctx).ID)
	h.Render.Render(w, r, http.StatusOK, "donations/import.html", rep, f)
}

// DeclarationPage is the year's declaration of receipts, ready to copy into
// the tax form: GET /donations/declaration?year=.
func (h *Handlers) DeclarationPage(w http.ResponseWriter, r *http.Request) {
	year := h.now().Year() - 1
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= h.now().Year() {
		year = y
	}
	dec, err := Declare(r.Context(), h.DB, year)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var years []int
	for y := h.now().Year(); y >= h.now().Year()-6; y-- {
		years = append(years, y)
	}
	h.Render.Render(w, r, http.StatusOK, "donations/declaration.html", struct {
		*Declaration
		Years []int
	}{dec, years}, nil)
}
