package partners

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// MaxUploadBytes is the largest list accepted (the middleware allows as much for
// any multipart body).
const MaxUploadBytes = 16 << 20

type importFormData struct {
	Org        *Org
	Antennas   []web.Option
	Programmes []web.Option
	Contacts   []web.Option
	Missing    []string // the columns a refused file lacks (catalog keys)
}

// importTargets are the antennas (the organisation's, in the staff member's scope)
// a list may go to, the programmes and the organisation's contacts.
func (h *Handlers) importTargets(ctx context.Context, o *Org) (*importFormData, []*org.Antenna, error) {
	mine, err := org.Antennas(ctx, h.DB, auth.Current(ctx).Scope())
	if err != nil {
		return nil, nil, err
	}
	d := &importFormData{Org: o, Antennas: []web.Option{{Value: "", Label: "form.choose"}}}
	var antennas []*org.Antenna
	for _, a := range mine {
		if slices.Contains(o.Antennas, a.ID) {
			antennas = append(antennas, a)
			d.Antennas = append(d.Antennas, web.Option{Value: id64(a.ID), Label: a.Name, Raw: true})
		}
	}
	if d.Programmes, err = h.programmeOptions(ctx); err != nil {
		return nil, nil, err
	}
	contacts, err := Contacts(ctx, h.DB, o.ID)
	if err != nil {
		return nil, nil, err
	}
	d.Contacts = []web.Option{{Value: "", Label: "partner.import.no_contact"}}
	for _, c := range contacts {
		if c.Active {
			d.Contacts = append(d.Contacts, web.Option{Value: id64(c.ID), Label: c.Name, Raw: true})
		}
	}
	return d, antennas, nil
}

func (h *Handlers) programmeOptions(ctx context.Context) ([]web.Option, error) {
	progs, err := training.Programmes(ctx, h.DB)
	if err != nil {
		return nil, err
	}
	opts := []web.Option{{Value: "", Label: "partner.programme_none"}}
	for _, p := range progs {
		opts = append(opts, web.Option{Value: id64(p.ID), Label: p.Title, Raw: true})
	}
	return opts, nil
}

// knownOption returns the id of v when it is one of opts (not the empty one).
func knownOption(opts []web.Option, v string) int64 {
	for _, o := range opts {
		if o.Value != "" && o.Value == v {
			id, _ := strconv.ParseInt(v, 10, 64)
			return id
		}
	}
	return 0
}

// ImportForm asks for the list a partner sent and where it goes.
func (h *Handlers) ImportForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := OrgByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, antennas, err := h.importTargets(ctx, o)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(nil)
	if len(antennas) == 1 {
		f.Set("antenna", id64(antennas[0].ID))
	}
	h.Render.Render(w, r, http.StatusOK, "partners/import.html", d, f)
}

// ImportUpload reads and checks the list, keeps it for its owner, and shows the
// preview: nothing is written to the learners' files yet.
func (h *Handlers) ImportUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	o, err := OrgByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, data, name, err := web.Upload(r, "file", MaxUploadBytes)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, antennas, err := h.importTargets(ctx, o)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var antenna *org.Antenna
	for _, a := range antennas {
		if id64(a.ID) == f.Get("antenna") {
			antenna = a
		}
	}
	if antenna == nil {
		f.Fail("antenna", "form.choose")
	}
	if f.Get("consent") != "yes" {
		f.Fail("consent", "partner.import.consent_required")
	}
	switch {
	case data == nil:
		f.Fail("file", "partner.import.file_required")
	case len(data) == 0:
		f.Fail("file", "partner.import.empty")
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "partners/import.html", d, f)
		return
	}
	sheet := Parse(data, antenna.Country, time.Now())
	if sheet.FileError != "" {
		f.Fail("file", sheet.FileError)
		d.Missing = sheet.Missing
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "partners/import.html", d, f)
		return
	}
	if err := FlagDuplicates(ctx, h.DB, sheet, antenna.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	b := &Batch{OrgID: o.ID, StaffID: st.ID, AntennaID: antenna.ID, ProgrammeID: knownOption(d.Programmes, f.Get("programme")),
		ContactID: knownOption(d.Contacts, f.Get("contact")), Filename: name, Rows: sheet.Rows}
	if err := SaveBatch(ctx, h.DB, b); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "partner list uploaded", "batch_id", b.ID, "org_id", o.ID, "rows", len(sheet.Rows),
		"encoding", sheet.Encoding, "separator", sheet.Separator, "staff_id", st.ID)
	http.Redirect(w, r, "/imports/"+id64(b.ID), http.StatusSeeOther)
}

// previewLimit is how many rows with a problem the preview lists; the others are
// counted. previewPage is how many rows that can be written one page shows, each
// with its box to keep or leave it out.
const (
	previewLimit = 200
	previewPage  = 100
)

type previewData struct {
	Batch     *Batch
	Org       *Org
	Antenna   string
	Programme string
	Valid     int
	Kept      int
	Known     int // kept rows that will be linked to a file the antenna has
	Excluded  int
	Invalid   int
	Problems  []*Row // rows with errors, at most previewLimit
	More      int    // problem rows not listed
	Rows      []*Row // the page of rows that can be written
	Pager     *Pager
}

// ImportPreview shows an uploaded list: counts, rows with errors (line by line),
// and, a page at a time, the rows that can be written, each with a box to leave
// it out; a person the antenna already knows is shown as linked to their file.
func (h *Handlers) ImportPreview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	b, err := BatchByID(ctx, h.DB, st.ID, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	o, err := OrgByID(ctx, h.DB, st.Scope(), b.OrgID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &previewData{Batch: b, Org: o}
	if a, err := org.AntennaByID(ctx, h.DB, st.Scope(), b.AntennaID); err == nil {
		d.Antenna = a.Name
	}
	if b.ProgrammeID != 0 {
		if opts, err := h.programmeOptions(ctx); err == nil {
			for _, p := range opts {
				if p.Value == id64(b.ProgrammeID) {
					d.Programme = p.Label
				}
			}
		}
	}
	page := pageOf(r)
	first := (page - 1) * previewPage
	for _, row := range b.Rows {
		if !row.Valid() {
			d.Invalid++
			if len(d.Problems) < previewLimit {
				d.Problems = append(d.Problems, row)
			} else {
				d.More++
			}
			continue
		}
		if d.Valid >= first && d.Valid < first+previewPage {
			d.Rows = append(d.Rows, row)
		}
		d.Valid++
		switch {
		case row.Excluded:
			d.Excluded++
		case row.Duplicate != 0:
			d.Known++
			d.Kept++
		default:
			d.Kept++
		}
	}
	d.Pager = newPager("/imports/"+id64(b.ID), r.URL.Query(), page, d.Valid, previewPage)
	h.Render.Render(w, r, http.StatusOK, "partners/preview.html", d, nil)
}

// ImportConfirm writes every valid row of the list, all of them or none.
func (h *Handlers) ImportConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	if _, ok := h.Render.Form(w, r); !ok {
		return
	}
	b, err := BatchByID(ctx, h.DB, st.ID, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	o, err := OrgByID(ctx, h.DB, st.Scope(), b.OrgID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if b.ReferralID != 0 {
		http.Redirect(w, r, "/referrals/"+id64(b.ReferralID), http.StatusSeeOther)
		return
	}
	// The boxes of the page shown: which of its lines are kept.
	if shown := lines(r.PostForm["shown"]); len(shown) > 0 {
		if err := SetKept(ctx, h.DB, b, shown, lines(r.PostForm["keep"])); errors.Is(err, ErrBatchDone) {
			http.Redirect(w, r, "/imports/"+id64(b.ID), http.StatusSeeOther)
			return
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if r.PostForm.Get("action") == "save" {
		back := "/imports/" + id64(b.ID)
		if p, _ := strconv.Atoi(r.PostForm.Get("page")); p > 1 {
			back += "?page=" + strconv.Itoa(p)
		}
		h.Flash(r, "partner.import.kept_saved")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if b.Kept() == 0 {
		h.Flash(r, "partner.import.nothing_kept")
		http.Redirect(w, r, "/imports/"+id64(b.ID), http.StatusSeeOther)
		return
	}
	consent := i18n.FromContext(ctx).T("partner.import.consent_text", "org", o.Name, "staff", st.Name)
	ref, err := ConfirmBatch(ctx, h.DB, b, consent)
	if errors.Is(err, ErrBatchDone) {
		// Confirmed meanwhile (a double tap) or expired: the preview says which.
		http.Redirect(w, r, "/imports/"+id64(b.ID), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Log.InfoContext(ctx, "partner list imported", "batch_id", b.ID, "referral_id", ref.ID, "people", ref.People, "known", ref.Known, "staff_id", st.ID)
	h.Flash(r, "partner.import.done")
	http.Redirect(w, r, "/referrals/"+id64(ref.ID), http.StatusSeeOther)
}

// lines reads line numbers sent by the preview's boxes.
func lines(values []string) []int {
	var out []int
	for _, v := range values {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
