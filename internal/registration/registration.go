// Package registration is how a person comes in: the public registration form and
// its acknowledgement, the registrations held for review and the workshop codes,
// and the desk form for someone who came in or phoned. The file it makes, and the
// person form it asks, are package learners'.
package registration

import (
	"embed"

	"tremplin/internal/learners"
	"tremplin/internal/messages"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("registration", templates, nil) }

// Handlers serve the registration form, the review of held registrations and the
// desk form.
type Handlers struct {
	web.Deps
	// Outbox queues the acknowledgement of a registration (SMS, email).
	Outbox *messages.Outbox
	// Learners give the person form's choices and checks.
	Learners *learners.Handlers
	// RegistrationLimit is the registrations accepted per address and hour: 0 for
	// learners.DefaultRegistrationLimit, negative for no limit (a load test from
	// one host).
	RegistrationLimit int
}

func (h *Handlers) registrationLimit() int {
	switch {
	case h.RegistrationLimit == 0:
		return learners.DefaultRegistrationLimit
	case h.RegistrationLimit < 0:
		return 0
	}
	return h.RegistrationLimit
}
