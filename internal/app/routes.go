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
		{"GET /courses", pub, a.Training.Courses},
		{"GET /courses/{id}", pub, a.Training.Course},
		{"GET /cohorts/{id}/calendar.ics", pub, a.Training.CohortCalendar},   // the secret token in the URL is checked
		{"GET /advisers/{id}/calendar.ics", pub, a.Training.AdviserCalendar}, // idem
		{"GET /programmes", staff, a.Training.ProgrammeList},
		{"GET /programmes/new", managers, a.Training.ProgrammeNew},
		{"POST /programmes", managers, a.Training.ProgrammeSave},
		{"GET /programmes/{id}/edit", managers, a.Training.ProgrammeEdit},
		{"POST /programmes/{id}", managers, a.Training.ProgrammeSave},
		{"GET /cohorts", staff, a.Training.CohortList},
		{"GET /cohorts/new", managers, a.Training.CohortNew},
		{"POST /cohorts", managers, a.Training.CohortSave},
		{"GET /cohorts/{id}", staff, a.Training.CohortShow},
		{"GET /cohorts/{id}/edit", managers, a.Training.CohortEdit},
		{"POST /cohorts/{id}", managers, a.Training.CohortSave},
		{"POST /cohorts/{id}/state", managers, a.Training.CohortState},
		{"POST /cohorts/{id}/offer", staff, a.Training.CohortOffer},
		{"GET /cohorts/{id}/meetings/new", managers, a.Training.MeetingsNew},
		{"POST /cohorts/{id}/meetings", managers, a.Training.MeetingAdd},
		{"POST /cohorts/{id}/meetings/weekly", managers, a.Training.MeetingsWeekly},
		{"POST /meetings/{id}/delete", managers, a.Training.MeetingDelete},
		{"GET /meetings", staff, a.Training.MyMeetings},
		{"GET /meetings/{id}/attendance", staff, a.Training.Attendance},
		{"POST /meetings/{id}/attendance", staff, a.Training.AttendanceSave},
		{"POST /enrolments/{id}/withdraw", staff, a.Training.EnrolmentWithdraw},
		{"POST /enrolments/{id}/confirm", staff, a.Training.EnrolmentConfirm},
		{"GET /attendance/alerts", staff, a.Training.Alerts},
		// --- end training ---

		// --- learners: registration, inbox, contacts, decisions, learner file, follow-up, duplicates ---
		// Anyone registers without an account; staff see only their antennas' files
		// (another antenna's file is the 404 page, checked in each handler).
		{"GET /register", pub, a.Learners.RegisterForm},
		{"POST /register", pub, a.Learners.Register},
		{"GET /register/thanks", pub, a.Learners.Thanks},
		{"GET /inbox", staff, a.Learners.Inbox},
		{"GET /followups", staff, a.Learners.FollowUps},
		{"GET /learners", staff, a.Learners.List},
		{"GET /learners/{id}", staff, a.Learners.Show},
		{"GET /learners/{id}/edit", staff, a.Learners.Edit},
		{"POST /learners/{id}", staff, a.Learners.Save},
		{"POST /learners/{id}/contacts", staff, a.Learners.AddContact},
		{"POST /learners/{id}/decision", staff, a.Learners.Decide},
		{"POST /learners/{id}/notes", staff, a.Learners.AddNote},
		{"POST /learners/{id}/exit", staff, a.Learners.Exit},
		{"POST /learners/{id}/followups", staff, a.Learners.RecordFollowUp},
		{"GET /learners/{id}/merge", staff, a.Learners.MergeForm},
		{"POST /learners/{id}/merge", staff, a.Learners.Merge},
		{"POST /learners/{id}/not-duplicate", staff, a.Learners.NotDuplicate},
		// --- end learners ---

		// --- positioning: questionnaire, tests, results ---
		// One national questionnaire and thresholds, edited by managers and admins;
		// tests are taken and read by the staff of the learner's antenna.
		{"GET /positioning/questions", managers, a.Positioning.Questions},
		{"GET /positioning/questions/new", managers, a.Positioning.QuestionNew},
		{"POST /positioning/questions", managers, a.Positioning.QuestionSave},
		{"GET /positioning/questions/{id}/edit", managers, a.Positioning.QuestionEdit},
		{"POST /positioning/questions/{id}", managers, a.Positioning.QuestionSave},
		{"GET /positioning/thresholds", managers, a.Positioning.ThresholdsEdit},
		{"POST /positioning/thresholds", managers, a.Positioning.ThresholdsSave},
		{"GET /learners/{id}/positioning", staff, a.Positioning.History},
		{"GET /learners/{id}/positioning/new", staff, a.Positioning.TestNew},
		{"POST /learners/{id}/positioning/new", staff, a.Positioning.TestSave},
		{"GET /learners/{id}/positioning/{test}", staff, a.Positioning.Result},
		// --- end positioning ---

		// --- partners: directory, outreach, referrals, partner space, imports, figures ---
		// --- end partners ---

		// --- impact: dashboards, funder reports ---
		// --- end impact ---

		// --- opendata: national open-data standards ---
		// --- end opendata ---

		// --- exports: lists as CSV/XLSX, attendance sheets as PDF ---
		// --- end exports ---

		// Anything else: the 404 page in the visitor's language.
		{"/", pub, a.notFound},
	}
}
