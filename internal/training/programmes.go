package training

// Programmes: the association's courses, national or of one antenna, in French
// with optional English and Arabic texts, archived or kept off the catalogue.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Levels of the basic digital courses, as the national advisers' tool names them;
// certifying programmes (about 600 hours) have the level "certifiant".
var Levels = []string{"debutant", "intermediaire", "avance", "certifiant"}

// Programme is a course the association offers, taught in cohorts by antennas:
// the whole association's (AntennaID 0, managed by admins) or one antenna's.
type Programme struct {
	ID           int64
	Title        string // French, required
	Level        string
	Description  string // French
	TotalHours   int
	Certifying   bool
	AntennaID    int64 // 0: the whole association
	AntennaName  string
	Archived     bool // no new cohorts, hidden from lists
	OffCatalogue bool // not shown to the public
	// Translations; empty where there is none, and the French text is shown.
	TitleEn, TitleAr             string
	DescriptionEn, DescriptionAr string
}

// Text is a programme's title or description as shown in a language: Lang is the
// language it is written in, which differs from the one asked for (it is then
// French) where no translation was written; mark it with lang="…".
type Text struct {
	Text string
	Lang string
}

func pick(lang, fr, en, ar string) Text {
	switch {
	case lang == "en" && en != "":
		return Text{en, "en"}
	case lang == "ar" && ar != "":
		return Text{ar, "ar"}
	}
	return Text{fr, "fr"}
}

// TitleIn is the programme's title in lang, or the French one.
func (p Programme) TitleIn(lang string) Text { return pick(lang, p.Title, p.TitleEn, p.TitleAr) }

// DescriptionIn is the programme's description in lang, or the French one. A
// description written only in French is shown in French even where the title is
// translated.
func (p Programme) DescriptionIn(lang string) Text {
	if p.Description == "" && p.DescriptionEn == "" && p.DescriptionAr == "" {
		return Text{Lang: lang}
	}
	return pick(lang, p.Description, p.DescriptionEn, p.DescriptionAr)
}

// National reports whether the programme is the whole association's.
func (p *Programme) National() bool { return p.AntennaID == 0 }

// CanEdit reports whether st may change the programme: admins any, managers their
// antennas' own.
func (p *Programme) CanEdit(st *auth.Staff) bool {
	if st == nil {
		return false
	}
	if p.AntennaID == 0 {
		return st.Role == auth.Admin
	}
	return st.ManagesAntenna(p.AntennaID)
}

// ErrTitleTaken is returned when another programme has the same title.
var ErrTitleTaken = errors.New("programme title already used")

// LevelOrder sorts programmes p from the first steps to the certifying courses.
const LevelOrder = "CASE p.level WHEN 'debutant' THEN 1 WHEN 'intermediaire' THEN 2 WHEN 'avance' THEN 3 ELSE 4 END"

// ProgrammeColumns are the columns of programmes p that ScanProgramme reads, for
// another package's query that lists programmes with its own columns after them
// (the public catalogue).
const ProgrammeColumns = `p.id, p.title, p.level, p.description, p.total_hours, p.certifying, COALESCE(p.antenna_id, 0),
	COALESCE((SELECT a.name FROM antennas a WHERE a.id = p.antenna_id), ''), p.archived_at, p.off_catalogue,
	p.title_en, p.title_ar, p.description_en, p.description_ar`

// ScanProgramme reads a row starting with the ProgrammeColumns, and the columns
// after them into more; db.ErrNotFound when there is no row.
func ScanProgramme(row db.Scanner, more ...any) (*Programme, error) {
	var p Programme
	var archived string
	err := row.Scan(append([]any{&p.ID, &p.Title, &p.Level, &p.Description, &p.TotalHours, &p.Certifying, &p.AntennaID,
		&p.AntennaName, &archived, &p.OffCatalogue, &p.TitleEn, &p.TitleAr, &p.DescriptionEn, &p.DescriptionAr}, more...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	p.Archived = archived != ""
	return &p, err
}

func collectProgrammes(rows *sql.Rows, err error) ([]Programme, error) {
	return db.Collect[Programme](rows, err)(func(s db.Scanner) (Programme, error) {
		p, err := ScanProgramme(s)
		if err != nil {
			return Programme{}, err
		}
		return *p, nil
	})
}

// Programmes lists every programme, archived ones included, by level then title.
func Programmes(ctx context.Context, d *db.DB) ([]Programme, error) {
	return collectProgrammes(d.QueryContext(ctx, "SELECT "+ProgrammeColumns+" FROM programmes p ORDER BY "+LevelOrder+", p.title"))
}

// PublicProgrammes lists the programmes a visitor may choose: not archived, on the
// catalogue, the whole association's or those of antennaID (0: every antenna's).
func PublicProgrammes(ctx context.Context, d *db.DB, antennaID int64) ([]Programme, error) {
	return collectProgrammes(d.QueryContext(ctx, "SELECT "+ProgrammeColumns+` FROM programmes p
		WHERE p.archived_at = '' AND NOT p.off_catalogue AND ($1 = 0 OR p.antenna_id IS NULL OR p.antenna_id = $1)
		ORDER BY `+LevelOrder+", p.title", antennaID))
}

// ProgrammesIn lists the programmes staff of the scope see: the whole
// association's and their antennas', archived ones only when asked.
func ProgrammesIn(ctx context.Context, d *db.DB, sc auth.Scope, archived bool) ([]Programme, error) {
	args := db.Args{archived}
	scope := sc.Where("p.antenna_id", &args)
	return collectProgrammes(d.QueryContext(ctx, "SELECT "+ProgrammeColumns+` FROM programmes p
		WHERE ($1 OR p.archived_at = '') AND (p.antenna_id IS NULL OR `+scope+`)
		ORDER BY `+LevelOrder+", p.title", args...))
}

// ProgrammeByID returns a programme, or db.ErrNotFound.
func ProgrammeByID(ctx context.Context, d *db.DB, id int64) (*Programme, error) {
	return ScanProgramme(d.QueryRowContext(ctx, "SELECT "+ProgrammeColumns+" FROM programmes p WHERE p.id = $1", id))
}

// ProgrammeIn returns a programme staff of the scope see (the whole association's
// or one of their antennas'), or db.ErrNotFound.
func ProgrammeIn(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Programme, error) {
	args := db.Args{id}
	scope := sc.Where("p.antenna_id", &args)
	return ScanProgramme(d.QueryRowContext(ctx, "SELECT "+ProgrammeColumns+` FROM programmes p
		WHERE p.id = $1 AND (p.antenna_id IS NULL OR `+scope+")", args...))
}

// SaveProgramme creates (ID 0) or updates a programme.
func SaveProgramme(ctx context.Context, d *db.DB, p *Programme) error {
	now := db.Now()
	archived := ""
	if p.Archived {
		archived = now
	}
	var err error
	if p.ID == 0 {
		p.ID, err = d.InsertID(ctx, `INSERT INTO programmes (title, level, description, total_hours, certifying, antenna_id, archived_at,
				off_catalogue, title_en, title_ar, description_en, description_ar, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			p.Title, p.Level, p.Description, p.TotalHours, p.Certifying, db.NullID(p.AntennaID), archived, p.OffCatalogue,
			p.TitleEn, p.TitleAr, p.DescriptionEn, p.DescriptionAr, now)
	} else {
		var res sql.Result
		// An archived programme keeps the time it was first archived.
		res, err = d.Exec(ctx, `UPDATE programmes SET title = $1, level = $2, description = $3, total_hours = $4, certifying = $5,
				antenna_id = $6, archived_at = CASE WHEN $7 = '' THEN '' WHEN archived_at = '' THEN $7 ELSE archived_at END,
				off_catalogue = $8, title_en = $9, title_ar = $10, description_en = $11, description_ar = $12, updated_at = $13
			WHERE id = $14`, p.Title, p.Level, p.Description, p.TotalHours, p.Certifying, db.NullID(p.AntennaID), archived,
			p.OffCatalogue, p.TitleEn, p.TitleAr, p.DescriptionEn, p.DescriptionAr, now, p.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
		}
	}
	if db.IsUniqueViolation(err) {
		return ErrTitleTaken
	}
	if err == nil {
		changed()
	}
	return err
}

// --- Pages ---------------------------------------------------------------------

// ProgrammeList shows the programmes the person sees (the association's and their
// antennas'), archived ones only when asked.
func (h *Handlers) ProgrammeList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	archived := r.URL.Query().Get("archived") == "1"
	list, err := ProgrammesIn(ctx, h.DB, st.Scope(), archived)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	type row struct {
		Programme
		CanEdit bool
	}
	rows := make([]row, len(list))
	for i := range list {
		rows[i] = row{list[i], list[i].CanEdit(st)}
	}
	h.Render.Render(w, r, http.StatusOK, "training/programmes.html", struct {
		Programmes []row
		CanAdd     bool
		Archived   bool
	}{rows, st.Role != auth.Adviser, archived}, nil)
}

func levelOptions() []web.Option {
	opts := []web.Option{{Value: "", Label: "form.choose"}}
	for _, l := range Levels {
		opts = append(opts, web.Option{Value: l, Label: "training.level." + l})
	}
	return opts
}

type programmeFormData struct {
	Programme *Programme
	Levels    []web.Option
	Owners    []web.Option
}

// ownerOptions are who a programme may belong to: the whole association (admins)
// and the antennas the person manages.
func (h *Handlers) ownerOptions(ctx context.Context, st *auth.Staff) ([]web.Option, error) {
	antennas, err := org.Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		return nil, err
	}
	var opts []web.Option
	if st.Role == auth.Admin {
		opts = append(opts, web.Option{Value: "", Label: "training.whole_association"})
	} else {
		opts = append(opts, web.Option{Value: "", Label: "form.choose"})
	}
	for _, a := range antennas {
		if st.ManagesAntenna(a.ID) {
			opts = append(opts, web.Option{Value: idString(a.ID), Label: a.Name, Raw: true})
		}
	}
	return opts, nil
}

func programmeForm(p *Programme) *web.Form {
	v := url.Values{"title": {p.Title}, "level": {p.Level}, "description": {p.Description}, "antenna": {idString(p.AntennaID)},
		"title_en": {p.TitleEn}, "title_ar": {p.TitleAr}, "description_en": {p.DescriptionEn}, "description_ar": {p.DescriptionAr}}
	if p.TotalHours > 0 {
		v.Set("total_hours", strconv.Itoa(p.TotalHours))
	}
	for name, on := range map[string]bool{"certifying": p.Certifying, "archived": p.Archived, "off_catalogue": p.OffCatalogue} {
		if on {
			v.Set(name, "on")
		}
	}
	return web.NewForm(v)
}

func (h *Handlers) renderProgrammeForm(w http.ResponseWriter, r *http.Request, status int, p *Programme, f *web.Form) {
	owners, err := h.ownerOptions(r.Context(), auth.Current(r.Context()))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "training/programme_form.html", programmeFormData{p, levelOptions(), owners}, f)
}

// editableProgramme loads the programme of the URL if the person may change it;
// anyone else gets the 404 page.
func (h *Handlers) editableProgramme(w http.ResponseWriter, r *http.Request) (*Programme, bool) {
	st := auth.Current(r.Context())
	p, err := ProgrammeIn(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err == nil && !p.CanEdit(st) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

// ProgrammeNew shows the form for a new programme.
func (h *Handlers) ProgrammeNew(w http.ResponseWriter, r *http.Request) {
	p := &Programme{}
	st := auth.Current(r.Context())
	if st.Role != auth.Admin && len(st.Antennas) == 1 {
		p.AntennaID = st.Antennas[0]
	}
	h.renderProgrammeForm(w, r, http.StatusOK, p, programmeForm(p))
}

// ProgrammeEdit shows the form for a programme the person may change.
func (h *Handlers) ProgrammeEdit(w http.ResponseWriter, r *http.Request) {
	p, ok := h.editableProgramme(w, r)
	if !ok {
		return
	}
	h.renderProgrammeForm(w, r, http.StatusOK, p, programmeForm(p))
}

// ProgrammeSave creates or updates a programme: the whole association's (admins)
// or one of the antennas the person manages.
func (h *Handlers) ProgrammeSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	p := &Programme{}
	if r.PathValue("id") != "" {
		var ok bool
		if p, ok = h.editableProgramme(w, r); !ok {
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	programmeFromForm(f, p)
	owner, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	switch {
	case f.Get("antenna") == "" && st.Role == auth.Admin:
		p.AntennaID = 0
	case f.Get("antenna") == "" && p.ID == 0 && len(st.Antennas) == 1 && st.ManagesAntenna(st.Antennas[0]):
		p.AntennaID = st.Antennas[0] // nothing else to choose
		f.Values.Set("antenna", idString(p.AntennaID))
	case owner > 0 && st.ManagesAntenna(owner):
		p.AntennaID = owner
	case f.Get("antenna") == "":
		f.Fail("antenna", "training.owner_required")
	default:
		f.Fail("antenna", "form.choose")
	}
	if f.Valid() {
		err := SaveProgramme(ctx, h.DB, p)
		if errors.Is(err, ErrTitleTaken) {
			f.Fail("title", "training.title_taken")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderProgrammeForm(w, r, http.StatusUnprocessableEntity, p, f)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/programmes", http.StatusSeeOther)
}

// programmeFromForm checks and reads the programme's fields but its owner.
func programmeFromForm(f *web.Form, p *Programme) {
	f.Required("title", "level", "total_hours")
	for _, name := range []string{"title", "title_en", "title_ar"} {
		f.MaxLength(name, 150)
	}
	for _, name := range []string{"description", "description_en", "description_ar"} {
		f.MaxLength(name, 4000)
	}
	if l := f.Get("level"); l != "" && !slices.Contains(Levels, l) {
		f.Fail("level", "form.choose")
	}
	hours, err := strconv.Atoi(f.Get("total_hours"))
	if f.Get("total_hours") != "" && (err != nil || hours < 1 || hours > 5000) {
		f.Fail("total_hours", "training.hours_invalid")
	}
	*p = Programme{ID: p.ID, AntennaID: p.AntennaID, Title: f.Get("title"), Level: f.Get("level"), Description: f.Get("description"),
		TotalHours: hours, Certifying: f.Get("certifying") != "", Archived: f.Get("archived") != "", OffCatalogue: f.Get("off_catalogue") != "",
		TitleEn: f.Get("title_en"), TitleAr: f.Get("title_ar"), DescriptionEn: f.Get("description_en"), DescriptionAr: f.Get("description_ar")}
}
