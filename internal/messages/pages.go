package messages

import (
	"embed"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var pageFiles embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("messages", pageFiles, nil) }

// antennaOf reads ?antenna= (or the form's antenna) among the antennas the
// person manages; the first of them by default.
func (h *Handlers) antennaOf(w http.ResponseWriter, r *http.Request, value string) (id int64, name string, opts []web.Option, ok bool) {
	st := auth.Current(r.Context())
	args := db.Args{}
	list, err := db.Collect[web.Option](h.DB.QueryContext(r.Context(), "SELECT id, name FROM antennas WHERE "+
		st.Scope().Where("id", &args)+" ORDER BY name", args...))(func(row db.Scanner) (web.Option, error) {
		var id int64
		var name string
		err := row.Scan(&id, &name)
		return web.Option{Value: strconv.FormatInt(id, 10), Label: name, Raw: true}, err
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return 0, "", nil, false
	}
	for _, o := range list {
		oid, _ := strconv.ParseInt(o.Value, 10, 64)
		if !st.ManagesAntenna(oid) {
			continue
		}
		opts = append(opts, o)
		if value == o.Value || (value == "" && id == 0) {
			id, name = oid, o.Label
		}
	}
	if id == 0 {
		h.Render.NotFound(w, r)
		return 0, "", nil, false
	}
	return id, name, opts, true
}

// listPage is the list of message texts of an antenna, with the month's SMS.
type listPage struct {
	AntennaID int64
	Antenna   string
	Antennas  []web.Option
	Items     []Template
	Month     *Month
	Euros     string // the month's estimate
	Price     string // today's price per part
	IsAdmin   bool
}

func euros(cents float64) string { return strconv.FormatFloat(cents/100, 'f', 2, 64) }

// TemplateList lists the messages an antenna sends, to change their words, and
// what its SMS cost this month: GET /messages/templates.
func (h *Handlers) TemplateList(w http.ResponseWriter, r *http.Request) {
	f := web.NewForm(url.Values{"antenna": {r.URL.Query().Get("antenna")}, "valid_from": {time.Now().Format(time.DateOnly)}})
	h.showList(w, r, http.StatusOK, f)
}

func (h *Handlers) showList(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	id, name, opts, ok := h.antennaOf(w, r, f.Get("antenna"))
	if !ok {
		return
	}
	f.Set("antenna", strconv.FormatInt(id, 10))
	m, err := ThisMonth(r.Context(), h.DB, id, time.Now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	page := &listPage{AntennaID: id, Antenna: name, Antennas: opts, Items: Templates(), Month: m,
		Euros: euros(m.Cents), Price: strconv.FormatFloat(m.PriceCents/100, 'f', 3, 64), IsAdmin: auth.Current(r.Context()).Role == auth.Admin}
	h.Render.Render(w, r, status, "messages/templates.html", page, f)
}

// editPage is one message's words in each language, with their preview.
type editPage struct {
	AntennaID int64
	Antenna   string
	T         Template
	Langs     []langText
}

type langText struct {
	Lang     string
	Field    string // the form field
	Default  string // the catalog's words
	Preview  string // the message as the person gets it, with sample values
	Encoding string
	Chars    int
	Parts    int
	Samples  string // JSON of the sample values, for the live count
	Extra    int    // characters the sender adds (the link)
}

// TemplateEdit shows one message's words: GET /messages/templates/{key}?antenna=.
func (h *Handlers) TemplateEdit(w http.ResponseWriter, r *http.Request) {
	id, name, _, ok := h.antennaOf(w, r, r.URL.Query().Get("antenna"))
	if !ok {
		return
	}
	t, found := TemplateByKey(r.PathValue("key"))
	if !found {
		h.Render.NotFound(w, r)
		return
	}
	texts, err := LoadTexts(r.Context(), h.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	v := url.Values{"antenna": {strconv.FormatInt(id, 10)}}
	for _, lang := range i18n.Languages {
		words := texts.Own(id, lang, t.Key)
		if words == "" {
			words = i18n.For(lang).T(t.Key)
		}
		v.Set("text_"+lang, words)
	}
	h.showEdit(w, r, http.StatusOK, id, name, t, web.NewForm(v))
}

func (h *Handlers) showEdit(w http.ResponseWriter, r *http.Request, status int, id int64, name string, t Template, f *web.Form) {
	page := &editPage{AntennaID: id, Antenna: name, T: t}
	samples, _ := json.Marshal(t.Sample)
	for _, lang := range i18n.Languages {
		pr := i18n.For(lang)
		lt := langText{Lang: lang, Field: "text_" + lang, Default: pr.T(t.Key), Samples: string(samples)}
		words := f.Values.Get(lt.Field)
		if strings.TrimSpace(words) == "" {
			words = lt.Default
		}
		m := Message{Lang: lang, Body: i18n.Fill(words, t.SampleArgs()...), Link: t.Link}
		tail := ""
		if t.TailKey != "" {
			tail = " " + pr.T(t.TailKey)
			m.Body += tail
		}
		if t.Link != "" {
			tail += "\n" + t.Link
		}
		lt.Extra = len([]rune(tail))
		lt.Preview = m.Text()
		enc, chars, parts := notify.Segments(lt.Preview)
		lt.Encoding, lt.Chars, lt.Parts = enc.String(), chars, parts
		page.Langs = append(page.Langs, lt)
	}
	h.Render.Render(w, r, status, "messages/template.html", page, f)
}

// TemplateSave saves one message's words, or shows their preview (action
// preview) without saving: POST /messages/templates/{key}. Empty words go back to
// the default; a {placeholder} the message does not have is refused, next to its
// field.
func (h *Handlers) TemplateSave(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	id, name, _, ok := h.antennaOf(w, r, f.Get("antenna"))
	if !ok {
		return
	}
	t, found := TemplateByKey(r.PathValue("key"))
	if !found {
		h.Render.NotFound(w, r)
		return
	}
	for _, lang := range i18n.Languages {
		field := "text_" + lang
		f.MaxLength(field, 1000)
		if unknown := t.Unknown(f.Values.Get(field)); len(unknown) > 0 {
			f.Fail(field, "messages.unknown_placeholder")
		}
	}
	if !f.Valid() || f.Get("action") == "preview" {
		status := http.StatusOK
		if !f.Valid() {
			status = http.StatusUnprocessableEntity
		}
		h.showEdit(w, r, status, id, name, t, f)
		return
	}
	st := auth.Current(r.Context())
	for _, lang := range i18n.Languages {
		words := strings.TrimSpace(f.Values.Get("text_" + lang))
		if words == strings.TrimSpace(i18n.For(lang).T(t.Key)) {
			words = "" // the default, typed again
		}
		if err := SaveText(r.Context(), h.DB, id, t.Key, lang, words, st.ID); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/messages/templates?antenna="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// PriceSave sets the price of an SMS part from a date (admins: it is the
// provider's contract): POST /messages/prices.
func (h *Handlers) PriceSave(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	from, err := time.Parse(time.DateOnly, f.Get("valid_from"))
	if err != nil {
		f.Fail("valid_from", "messages.price_date")
	}
	cents, err := strconv.ParseFloat(strings.ReplaceAll(f.Get("cents"), ",", "."), 64)
	if err != nil || cents < 0 || cents > 100 {
		f.Fail("cents", "messages.price_invalid")
	}
	if f.Valid() {
		_, err := h.DB.Exec(r.Context(), `INSERT INTO sms_prices (valid_from, cents_per_part, set_by, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (valid_from) DO UPDATE SET cents_per_part = excluded.cents_per_part, set_by = excluded.set_by`,
			from.Format(time.DateOnly), cents, auth.Current(r.Context()).ID, db.Now())
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Flash(r, "saved")
		http.Redirect(w, r, "/messages/templates?antenna="+f.Get("antenna"), http.StatusSeeOther)
		return
	}
	h.showList(w, r, http.StatusUnprocessableEntity, f)
}
