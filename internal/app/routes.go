package app

import (
	"net/http"

	"tremplin/internal/platform/auth"
)

// Route is one line of the route table: a ServeMux pattern, who may use it, and
// what answers.
type Route struct {
	Pattern string
	Policy  auth.Policy
	Handler http.HandlerFunc
}

// routeTable is every URL of Tremplin and who may use it. A route without a policy
// does not start (auth.Guard panics), and a test walks this table.
func (a *App) routeTable() []Route {
	pub, staff, managers, admins := auth.Public, auth.AnyStaff, auth.Managers, auth.Admins
	o, s := a.Org, a.Auth
	return []Route{
		{"GET /{$}", pub, o.Home},
		{"GET /healthz", pub, a.healthz},
		{"GET /readyz", pub, a.readyz},
		{"GET /assets/", pub, a.assets.ServeHTTP},
		{"POST /lang", pub, s.SetLanguage},

		// Signing in and out, passwords, profile.
		{"GET /login", pub, s.LoginForm},
		{"POST /login", pub, s.Login},
		{"POST /logout", pub, s.Logout},
		{"GET /password/forgot", pub, s.ForgotForm},
		{"POST /password/forgot", pub, s.Forgot},
		{"GET /password/reset/{token}", pub, s.ResetForm},
		{"POST /password/reset/{token}", pub, s.Reset},
		{"GET /profile", staff, s.Profile},
		{"POST /profile", staff, s.ProfileSave},

		// Antennas: staff see theirs; managers change theirs; admins create.
		{"GET /antennas", staff, o.AntennaList},
		{"GET /antennas/new", admins, o.AntennaNew},
		{"POST /antennas", admins, o.AntennaSave},
		{"GET /antennas/{id}", staff, o.AntennaShow},
		{"GET /antennas/{id}/edit", managers, o.AntennaEdit},
		{"POST /antennas/{id}", managers, o.AntennaSave},

		// Places of the antennas.
		{"GET /places", staff, o.PlaceList},
		{"GET /places/new", managers, o.PlaceNew},
		{"POST /places", managers, o.PlaceSave},
		{"GET /places/{id}", staff, o.PlaceShow},
		{"GET /places/{id}/edit", managers, o.PlaceEdit},
		{"POST /places/{id}", managers, o.PlaceSave},

		// Staff accounts.
		{"GET /staff", admins, o.StaffList},
		{"GET /staff/new", admins, o.StaffNew},
		{"POST /staff", admins, o.StaffSave},
		{"GET /staff/{id}/edit", admins, o.StaffEdit},
		{"POST /staff/{id}", admins, o.StaffSave},

		// --- training: catalogue, programmes, cohorts, meetings, enrolment, attendance, feeds ---
		// --- end training ---

		// --- learners: registration, inbox, contacts, decisions, learner file, follow-up, duplicates ---
		// --- end learners ---

		// --- positioning: questionnaire, tests, results ---
		// --- end positioning ---

		// Anything else: the 404 page in the visitor's language.
		{"/", pub, a.notFound},
	}
}
