// Package catalogue is what a visitor sees of the training on offer: the public
// catalogue of programmes by level with the sessions one may still join, each
// programme's page, and a session as the registration form recalls it. Its pages
// are served from memory for a few seconds (cache.go).
package catalogue

import (
	"embed"
	"html/template"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("catalogue", templates, TemplateFuncs) }

// TemplateFuncs are the template functions of a session, bound to a language:
// the catalogue's pages and the registration's use them.
func TemplateFuncs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"schedule": func(s Schedule) string { return s.Words(p) },
		// session_title is a session's programme title in the page's language,
		// with the language it is written in (French when not translated).
		"session_title": func(c *PublicCohort) training.Text { return c.TitleIn(p.Lang) },
	}
}

// Handlers serve the public catalogue.
type Handlers struct {
	web.Deps
	Auth *auth.Service // to tell a visitor with a session from one without (cache.go)

	pages pageCache // the pages, rendered
}
