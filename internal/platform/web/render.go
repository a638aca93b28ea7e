// Package web is what every page stands on: the shared layout and the page
// templates of each package, forms with field-level messages, embedded assets at
// content-hashed URLs, error pages, and the middleware every request goes through.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"tremplin/internal/platform/i18n"
)

//go:embed templates/*.html
var baseTemplates embed.FS

//go:embed pages/*.html
var ownPages embed.FS

func pagesFS() fs.FS { sub, _ := fs.Sub(ownPages, "pages"); return sub }

// Viewer is the signed-in person, as the layout needs to know them (name and
// menu); nil for visitors.
type Viewer struct {
	ID        int64
	Name      string
	Role      string
	IsAdmin   bool
	IsManager bool // antenna manager or national admin
	// IsFundraising is the fundraising role: donors and receipts only.
	IsFundraising bool
}

type viewerKey struct{}

// WithViewer records the signed-in person for the layout.
func WithViewer(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the signed-in person, or nil.
func ViewerFrom(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// Renderer executes page templates inside the shared layout. Templates are parsed
// once per language so that the translation function is bound at parse time and
// rendering a page costs no cloning.
type Renderer struct {
	pages  map[string]map[string]*template.Template // lang → page → template
	assets *Assets
	log    *slog.Logger
	// Flash, when set, pops the one-time message (a catalog key) to show on the next page.
	Flash func(r *http.Request) string
	// Unavailable tells Fail which errors mean the database cannot be reached
	// (web itself does not depend on the database).
	Unavailable func(error) bool
	// Full tells Fail which errors mean the database cannot write to its disk
	// (full or failing): the 503 page then says so.
	Full func(error) bool
}

// Page is what every template receives as its dot.
type Page struct {
	Lang      string
	Dir       string
	Path      string
	Query     string // the request's raw query, to carry filters into download links
	Viewer    *Viewer
	Flash     string
	RequestID string
	Form      *Form
	Data      any
	// Once is this page's one-time token; the "once" template puts it in a form
	// so that sending the form twice does the thing once (see Once).
	Once string
}

// Pages are one package's pages, and the template functions they need beyond the
// shared ones (bound to a language, like the translation function).
type Pages struct {
	Name  string
	FS    fs.FS
	Funcs func(p i18n.Printer) template.FuncMap
}

// PackagePages are the pages a package embeds as templates/*.html, named
// "name/file.html"; funcs may be nil.
func PackagePages(name string, embedded embed.FS, funcs func(p i18n.Printer) template.FuncMap) Pages {
	sub, err := fs.Sub(embedded, "templates")
	if err != nil {
		panic(err) // the directory is embedded: a wrong name is a programming error
	}
	return Pages{Name: name, FS: sub, Funcs: funcs}
}

// NewRenderer parses the shared layout with each package's pages. Every file *.html
// in a package's FS is a page named "package/file.html" defining the blocks "title"
// and "main"; files starting with "_" are partials shared by that package's pages.
func NewRenderer(assets *Assets, log *slog.Logger, packages ...Pages) (*Renderer, error) {
	r := &Renderer{pages: map[string]map[string]*template.Template{}, assets: assets, log: log}
	packages = append([]Pages{{Name: "web", FS: pagesFS()}}, packages...)
	for _, lang := range i18n.Languages {
		p := i18n.For(lang)
		fm := funcs(p, assets)
		for _, pkg := range packages {
			if pkg.Funcs != nil {
				maps.Copy(fm, pkg.Funcs(p))
			}
		}
		base, err := template.New("layout.html").Funcs(fm).ParseFS(baseTemplates, "templates/*.html")
		if err != nil {
			return nil, err
		}
		r.pages[lang] = map[string]*template.Template{}
		for _, pkg := range packages {
			name, fsys := pkg.Name, pkg.FS
			files, err := fs.Glob(fsys, "*.html")
			if err != nil {
				return nil, err
			}
			var partials []string
			for _, f := range files {
				if strings.HasPrefix(f, "_") {
					partials = append(partials, f)
				}
			}
			for _, f := range files {
				if strings.HasPrefix(f, "_") {
					continue
				}
				t, err := base.Clone()
				if err != nil {
					return nil, err
				}
				if t, err = t.ParseFS(fsys, append([]string{f}, partials...)...); err != nil {
					return nil, fmt.Errorf("%s/%s: %w", name, f, err)
				}
				r.pages[lang][name+"/"+f] = t
			}
		}
	}
	return r, nil
}

// Render writes page with status. Nothing is written before the template has run,
// so a template error becomes a clean error page rather than half a page.
func (r *Renderer) Render(w http.ResponseWriter, req *http.Request, status int, page string, data any, form *Form) {
	p := i18n.FromContext(req.Context())
	t := r.pages[p.Lang][page]
	if t == nil {
		r.log.Error("unknown page template", "page", page)
		page, t = "web/error.html", r.pages[p.Lang]["web/error.html"]
		status, data = http.StatusInternalServerError, ErrorData{Status: 500}
	}
	pg := Page{
		Lang: p.Lang, Dir: p.Dir(), Path: req.URL.Path, Query: req.URL.RawQuery, Viewer: ViewerFrom(req.Context()),
		RequestID: RequestID(req.Context()), Form: form, Data: data, Once: newOnceToken(),
	}
	if pg.Form == nil {
		pg.Form = &Form{}
	}
	if r.Flash != nil && status < 400 {
		pg.Flash = r.Flash(req)
	}
	if len(pg.Form.Errors) > 0 && !pg.Form.labelled() {
		// The error summary sits above the fields and names them: a first run
		// learns their labels and order (only for a refused form, which is rare).
		_ = t.ExecuteTemplate(io.Discard, "layout.html", pg)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", pg); err != nil {
		r.log.Error("render", "page", page, "err", err, "request_id", pg.RequestID)
		http.Error(w, p.T("error.500.title")+" ("+pg.RequestID+")", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", p.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// NavItem is one link of the staff menu; Main items stay visible on a phone, the
// others fold under "More".
type NavItem struct {
	Href, Label string
	Main        bool
}

// navItems is the staff menu, by what the person's role lets them do: the day's
// work first (registrations, learners, sessions), the association's set-up last.
func navItems(v *Viewer) []NavItem {
	if v.IsFundraising {
		return []NavItem{
			{"/donors", "donations.nav", true},
			{"/donations/report", "donations.report.link", true},
			{"/jobs", "jobs.nav", false},
			{"/donations/send", "donations.send.link", false},
			{"/donations/declaration", "donations.declaration.link", false},
			{"/donations/import", "donations.import.title", false},
		}
	}
	items := []NavItem{
		{"/inbox", "nav.inbox", true},
		{"/learners", "nav.learners", true},
		{"/cohorts", "nav.cohorts", true},
		{"/meetings", "nav.meetings", true},
		{"/agenda", "nav.agenda", true},
		{"/followups", "nav.followups", false},
		{"/partners", "nav.partners", false},
		{"/outreach", "nav.outreach", false},
		{"/referrals", "nav.referrals", false},
		{"/volunteers", "volunteers.nav", false},
		{"/civic", "civic.nav", false},
		{"/profiles/match", "profiles.nav", false},
		{"/jobs", "jobs.nav", false},
		{"/impact", "nav.impact", false},
		{"/privacy/notices", "privacy.notices.nav", false},
		{"/antennas", "nav.antennas", false},
		{"/places", "nav.places", false},
	}
	if v.IsManager {
		items = append(items, NavItem{"/donors", "donations.nav", false},
			NavItem{"/positioning/questions", "nav.positioning", false},
			NavItem{"/messages/templates", "nav.messages", false})
	}
	if v.IsAdmin {
		items = append(items, NavItem{"/staff", "nav.staff", false}, NavItem{"/association", "nav.association", false},
			NavItem{"/privacy/register", "privacy.nav", false}, NavItem{"/privacy/audit", "privacy.audit.nav", false},
			NavItem{"/privacy/retention", "privacy.periods.nav", false})
	}
	return items
}

// FormatDate writes a date the way the language does: "3 février 2027".
func FormatDate(p i18n.Printer, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return p.T("date.format", "day", t.Day(), "month", p.T(fmt.Sprintf("month.%d", int(t.Month()))), "year", t.Year())
}

func funcs(p i18n.Printer, assets *Assets) template.FuncMap {
	return template.FuncMap{
		"t":       p.T,
		"tn":      p.N,
		"asset":   assets.URL,
		"field":   newField,
		"options": func(f Field, o []Option) Field { f.Options = o; return f },
		"lang_name": func(lang string) string {
			return map[string]string{"fr": "Français", "en": "English", "ar": "العربية"}[lang]
		},
		"languages": func() []string { return i18n.Languages },
		// here is the page's path and query without ?lang=, where the language
		// switch comes back to.
		"here": func(path, query string) string {
			q, err := url.ParseQuery(query)
			if err != nil || len(q) == 0 {
				return path
			}
			q.Del("lang")
			if len(q) == 0 {
				return path
			}
			return path + "?" + q.Encode()
		},
		"pathbase": path.Base,
		"navitems": navItems,
		// withquery joins a path and a raw query (plus an extra parameter), so that a
		// download link carries the filters of the list it sits under.
		"withquery": func(path, query, extra string) string {
			q := strings.Trim(query+"&"+extra, "&")
			if q == "" {
				return path
			}
			return path + "?" + q
		},
		"under": func(current, prefix string) bool {
			return current == prefix || strings.HasPrefix(current, prefix+"/")
		},
		"date":    func(t time.Time) string { return FormatDate(p, t) },
		"clock":   func(t time.Time) string { return t.Format("15:04") },
		"weekday": func(t time.Time) string { return p.T(fmt.Sprintf("weekday.%d", t.Weekday())) },
		"add":     func(a, b int) int { return a + b },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"has": func(list []int64, v int64) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
	}
}
