package app

import (
	"net/http"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/privacy"
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
	fundraisers, office, offers := auth.Fundraisers, auth.DonationsOffice, auth.Offers
	o, s := a.Org, a.Auth
	return []Route{
		{"GET /{$}", pub, o.Home},
		{"GET /healthz", pub, a.healthz},
		{"GET /readyz", pub, a.readyz},
		{"GET /assets/", pub, a.assets.ServeHTTP},
		{"POST /lang", pub, s.SetLanguage},

		// The SMS provider's calls, authenticated by the secret in their URL.
		{"POST /sms/status/{secret}", pub, a.Messages.Status},
		{"POST /sms/reply/{secret}", pub, a.Messages.Reply},
		// A person's answer to an appointment's messages, by the link they hold.
		{"GET /a/{token}", pub, a.Appointments.Reply},
		{"POST /a/{token}", pub, a.Appointments.CannotCome},
		// … and to a meeting's reminder.
		{"GET /m/{token}", pub, a.Attendance.MeetingReply},
		{"POST /m/{token}", pub, a.Attendance.CannotCome},
		// A person's booking link: they pick one of the free slots it offers, then
		// move or cancel it until a day before (the token is checked).
		{"GET /b/{token}", pub, a.Appointments.Booking},
		{"POST /b/{token}", pub, a.Appointments.BookingPick},
		{"GET /b/{token}/move", pub, a.Appointments.BookingMove},
		{"POST /b/{token}/cancel", pub, a.Appointments.BookingCancel},
		// A person's answer to a seat offered from a waitlist: accept or decline.
		{"GET /o/{token}", pub, a.Training.Offer},
		{"POST /o/{token}", pub, a.Training.OfferAnswer},
		// … and to a job offer an adviser sent them: apply, or not interested.
		{"GET /e/{token}", pub, a.Jobs.OfferLink},
		{"POST /e/{token}", pub, a.Jobs.OfferLinkAnswer},

		// Signing in and out, passwords, profile.
		{"GET /login", pub, s.LoginForm},
		{"POST /login", pub, s.Login},
		{"POST /logout", pub, s.Logout},
		{"GET /password/forgot", pub, s.ForgotForm},
		{"POST /password/forgot", pub, s.Forgot},
		{"GET /password/reset/{token}", pub, s.ResetForm},
		{"POST /password/reset/{token}", pub, s.Reset},
		{"GET /profile", auth.Signed, s.Profile},
		{"POST /profile", auth.Signed, s.ProfileSave},

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

		// --- training (programmes, cohorts, meetings, enrolment, feeds), with catalogue, calendar (closures) and attendance ---
		{"GET /courses", pub, a.Catalogue.Courses},
		{"GET /courses/{id}", pub, a.Catalogue.Course},
		{"GET /cohorts/{id}/calendar.ics", pub, a.Training.CohortCalendar}, // the secret token in the URL is checked
		{"GET /advisers/{id}/calendar.ics", pub, a.Agenda.Feed},            // idem; meetings and appointments
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
		{"GET /cohorts/{id}/cancel", managers, a.Training.CohortCancelConfirm},
		{"POST /cohorts/{id}/cancel", managers, a.Training.CohortCancel},
		{"POST /cohorts/{id}/reopen", managers, a.Training.CohortReopen},
		{"POST /cohorts/{id}/enrol", staff, a.Training.CohortEnrol},
		{"POST /cohorts/{id}/waitlist", staff, a.Training.CohortWaitlistAction},
		{"GET /cohorts/{id}/meetings/new", managers, a.Training.MeetingsNew},
		{"POST /cohorts/{id}/meetings", managers, a.Training.MeetingAdd},
		{"POST /cohorts/{id}/meetings/weekly", managers, a.Training.MeetingsWeekly},
		{"POST /meetings/{id}/delete", managers, a.Training.MeetingDelete},
		{"GET /meetings/{id}/edit", managers, a.Training.MeetingEdit},
		{"POST /meetings/{id}", managers, a.Training.MeetingSave},
		{"POST /meetings/{id}/cancel", managers, a.Training.MeetingCancel},
		{"POST /meetings/{id}/restore", managers, a.Training.MeetingRestore},
		{"GET /closures", managers, a.Calendar.ClosuresPage},
		{"POST /closures", managers, a.Calendar.ClosureAdd},
		{"POST /closures/{id}/delete", managers, a.Calendar.ClosureDelete},
		{"GET /meetings", staff, a.Attendance.MyMeetings},
		{"GET /meetings/{id}/attendance", staff, a.Attendance.Attendance},
		{"POST /meetings/{id}/attendance", staff, a.Attendance.AttendanceSave},
		{"POST /enrolments/{id}/withdraw", staff, a.Training.EnrolmentWithdraw},
		{"POST /enrolments/{id}/confirm", staff, a.Training.EnrolmentConfirm},
		{"GET /attendance/alerts", staff, a.Attendance.Alerts},
		// --- end training ---

		// --- learners: registration, inbox, contacts, decisions, learner file, follow-up, duplicates ---
		// Anyone registers without an account; staff see only their antennas' files
		// (another antenna's file is the 404 page, checked in each handler).
		{"GET /register", pub, a.Registration.RegisterForm},
		{"POST /register", pub, a.Registration.Register},
		{"GET /register/thanks", pub, a.Registration.Thanks},
		// Workshop codes and registrations held by the anti-spam field, of the
		// person's antennas (another's is the 404 page).
		{"GET /registrations", staff, a.Registration.Registrations},
		{"POST /registrations/passes", staff, a.Registration.PassCreate},
		{"POST /registrations/held/{id}/release", staff, a.Registration.HeldRelease},
		{"POST /registrations/held/{id}/discard", staff, a.Registration.HeldDiscard},
		{"GET /inbox", staff, a.Learners.Inbox},
		{"GET /followups", staff, a.FollowUps.List},
		{"GET /learners", staff, a.Learners.List},
		{"GET /learners/new", staff, a.Registration.WalkInForm},
		{"POST /learners/new", staff, a.Registration.WalkIn},
		{"POST /learners/bulk", staff, a.Learners.Bulk},
		{"GET /learners/{id}/assign", staff, a.Learners.AssignForm},
		{"POST /learners/{id}/assign", staff, a.Learners.Assign},
		{"GET /learners/{id}", staff, a.Learners.Show},
		{"GET /learners/{id}/edit", staff, a.Learners.Edit},
		{"POST /learners/{id}", staff, a.Learners.Save},
		{"POST /learners/{id}/contacts", staff, a.Learners.AddContact},
		{"POST /learners/{id}/decision", staff, a.Learners.Decide},
		{"POST /learners/{id}/notes", staff, a.Learners.AddNote},
		{"POST /learners/{id}/exit", staff, a.Learners.Exit},
		{"POST /learners/{id}/followups", staff, a.FollowUps.Record},
		{"POST /learners/{id}/messages", staff, a.Learners.Messages},
		// The person's profile for recruiters ("Profil emploi"): consents, fields
		// shown, CV, and the view a company gets; matching people with a job's
		// criteria, in the viewer's antennas.
		{"GET /learners/{id}/profile", staff, a.Profiles.Page},
		{"POST /learners/{id}/profile", staff, a.Profiles.Save},
		{"POST /learners/{id}/profile/consent", staff, a.Profiles.ConsentSave},
		{"POST /learners/{id}/profile/cv", staff, a.Profiles.CVUpload},
		{"GET /learners/{id}/profile/preview", staff, a.Profiles.Preview},
		{"GET /learners/{id}/profile/cv.pdf", staff, a.Profiles.CVFile},
		{"GET /profiles/match", staff, a.Profiles.MatchPage},
		{"POST /learners/{id}/applications", staff, a.Jobs.ProposeFromFile},
		{"POST /learners/{id}/job-offers", staff, a.Jobs.SendFromFile},

		// What staff must see: people who said they cannot come, messages not received.
		{"GET /messages", staff, a.Messages.Watch},
		// The words of the messages each antenna sends, and what its SMS cost.
		{"GET /messages/templates", managers, a.Messages.TemplateList},
		{"GET /messages/templates/{key}", managers, a.Messages.TemplateEdit},
		{"POST /messages/templates/{key}", managers, a.Messages.TemplateSave},
		{"POST /messages/prices", admins, a.Messages.PriceSave},

		// Appointments with a person: booked from their file, told and reminded.
		{"GET /learners/{id}/appointments/new", staff, a.Appointments.New},
		{"POST /learners/{id}/appointments", staff, a.Appointments.Book},
		{"GET /appointments/{id}/edit", staff, a.Appointments.Edit},
		{"POST /appointments/{id}", staff, a.Appointments.Update},
		{"POST /appointments/{id}/cancel", staff, a.Appointments.Cancel},
		{"POST /appointments/{id}/outcome", staff, a.Appointments.Outcome},
		// Self-booking: a booking link sent from the file; the free slots advisers
		// publish, their own, or their antennas' advisers' for managers (another's
		// is the 404 page, checked in each handler).
		{"GET /learners/{id}/booking-links/new", staff, a.Appointments.LinkForm},
		{"POST /learners/{id}/booking-links", staff, a.Appointments.SendLink},
		{"GET /appointments/slots", staff, a.Appointments.Slots},
		{"POST /appointments/slots", staff, a.Appointments.SlotsAdd},
		{"POST /appointments/slots/{id}/delete", staff, a.Appointments.SlotDelete},
		{"GET /learners/{id}/merge", staff, a.Learners.MergeForm},
		{"POST /learners/{id}/merge", staff, a.Learners.Merge},
		{"POST /learners/{id}/not-duplicate", staff, a.Learners.NotDuplicate},
		// --- end learners ---

		// --- agenda: the staff's calendars (the feed is above, with training's) ---
		// One's own week (any staff), a place's week (the staff of its antenna), an
		// antenna's week (its managers); another antenna's is the 404 page.
		{"GET /agenda", staff, a.Agenda.Mine},
		{"POST /agenda/feed", staff, a.Agenda.FeedRenew},
		{"GET /agenda/places/{id}", staff, a.Agenda.Place},
		{"GET /agenda/antenna/{id}", managers, a.Agenda.Antenna},
		// --- end agenda ---

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
		// Everything held about the person, for their right of access.
		{"GET /learners/{id}/access.json", staff, a.Privacy.AccessJSON},
		// … and the same to read or print, in the person's language.
		{"GET /learners/{id}/access", staff, a.Privacy.AccessPage},
		{"GET /learners/{id}/access.pdf", staff, a.Privacy.AccessPDF},
		// Erasure on request: managers and admins only, a second pair of eyes
		// on what cannot be undone; refused where the law keeps the file.
		{"GET /learners/{id}/erase", managers, a.Privacy.EraseForm},
		{"POST /learners/{id}/erase", managers, a.Privacy.Erase},
		{"GET /learners/{id}/positioning/new", staff, a.Positioning.TestNew},
		{"POST /learners/{id}/positioning/new", staff, a.Positioning.TestSave},
		{"GET /learners/{id}/positioning/{test}", staff, a.Positioning.Result},
		// --- end positioning ---

		// --- partners: directory, outreach, referrals, partner space, imports, figures ---
		// Staff see the organisations working with their antennas and the referrals
		// to them (anything else is the 404 page, checked in each handler); an
		// uploaded list is seen and confirmed by whoever uploaded it only.
		{"GET /partners", staff, a.Partners.List},
		{"GET /partners/new", staff, a.Partners.New},
		{"POST /partners", staff, a.Partners.Save},
		{"GET /partners/figures", staff, a.Partners.FiguresPage},
		{"GET /partners/{id}", staff, a.Partners.Show},
		{"GET /partners/{id}/edit", staff, a.Partners.Edit},
		{"POST /partners/{id}", staff, a.Partners.Save},
		{"POST /partners/{id}/contacts", staff, a.Partners.ContactAdd},
		{"GET /partners/{id}/contacts/{contact}/edit", staff, a.Partners.ContactEdit},
		{"POST /partners/{id}/contacts/{contact}", staff, a.Partners.ContactSave},
		{"POST /partners/{id}/interactions", staff, a.Partners.InteractionAdd},
		{"GET /outreach", staff, a.Partners.Outreach},
		{"POST /outreach/{id}/done", staff, a.Partners.NextStepDone},
		{"GET /partners/{id}/import", staff, a.Partners.ImportForm},
		{"POST /partners/{id}/import", staff, a.Partners.ImportUpload},
		{"GET /imports/{id}", staff, a.Partners.ImportPreview},
		{"POST /imports/{id}/confirm", staff, a.Partners.ImportConfirm},
		{"GET /referrals", staff, a.Partners.ReferralList},
		{"GET /referrals/{id}", staff, a.Partners.ReferralShow},
		{"POST /referrals/people/{id}/state", staff, a.Partners.PersonState},
		// The partner space: contacts sign in with a one-time emailed link and see
		// only their own organisation's people (another's is the 404 page).
		{"GET /partner/login", pub, a.Partners.LoginForm},
		{"POST /partner/login", pub, a.Partners.LoginSend},
		{"GET /partner/login/{token}", pub, a.Partners.LinkForm},
		{"POST /partner/login/{token}", pub, a.Partners.LinkUse},
		{"POST /partner/logout", pub, a.Partners.Logout},
		// Volunteers' missions and shifts (staff of the antenna), and the hours
		// volunteers give, to approve.
		{"GET /volunteers/missions", staff, a.Volunteers.Missions},
		{"GET /volunteers/missions/new", staff, a.Volunteers.MissionNew},
		{"POST /volunteers/missions", staff, a.Volunteers.MissionSave},
		{"GET /volunteers/missions/{id}", staff, a.Volunteers.MissionShow},
		{"GET /volunteers/missions/{id}/edit", staff, a.Volunteers.MissionEdit},
		{"POST /volunteers/missions/{id}/edit", staff, a.Volunteers.MissionSave},
		{"POST /volunteers/missions/{id}/shifts", staff, a.Volunteers.ShiftsAdd},
		{"GET /volunteers/shifts", staff, a.Volunteers.ShiftsList},
		{"GET /volunteers/shifts/{id}", staff, a.Volunteers.ShiftShow},
		{"POST /volunteers/shifts/{id}/edit", staff, a.Volunteers.ShiftEdit},
		{"POST /volunteers/shifts/{id}/cancel", staff, a.Volunteers.ShiftCancel},
		{"POST /volunteers/shifts/{id}/noshow", staff, a.Volunteers.ShiftNoShow},
		{"POST /volunteers/shifts/{id}/invite", staff, a.Volunteers.ShiftInvite},
		{"GET /volunteers/hours", staff, a.Volunteers.PendingHoursPage},
		{"POST /volunteers/hours/{id}/decide", staff, a.Volunteers.HoursDecide},
		// The value of the hours given (annex of the accounts) at the rates the
		// board approves, and the Compte d'engagement citoyen: managers and admins.
		{"GET /volunteers/valuation", managers, a.Volunteers.ValuationPage},
		{"GET /volunteers/valuation.csv", managers, a.Volunteers.ValuationCSV},
		{"GET /volunteers/valuation.xlsx", managers, a.Volunteers.ValuationXLSX},
		{"GET /volunteers/valuation.pdf", managers, a.Volunteers.ValuationPDF},
		{"GET /volunteers/valuation/rates", managers, a.Volunteers.RatesPage},
		{"POST /volunteers/valuation/rates", admins, a.Volunteers.RateSave},
		{"GET /volunteers/cec", managers, a.Volunteers.CECPage},
		{"POST /volunteers/cec/{id}/confirm", managers, a.Volunteers.CECConfirm},
		// The volunteer's calendar feed, by the secret in its address.
		{"GET /volunteer/calendar/{id}/shifts.ics", pub, a.Volunteers.Feed},
		// The volunteer's own shifts and hours (their space's policy).
		{"GET /volunteer/shifts", a.Volunteers.Policy(), a.Volunteers.VolunteerShifts},
		{"POST /volunteer/shifts/{id}/signup", a.Volunteers.Policy(), a.Volunteers.VolunteerSignUp},
		{"POST /volunteer/shifts/{id}/cancel", a.Volunteers.Policy(), a.Volunteers.VolunteerCancel},
		{"POST /volunteer/shifts/{id}/hours", a.Volunteers.Policy(), a.Volunteers.VolunteerConfirm},
		{"POST /volunteer/shifts/{id}/log", a.Volunteers.Policy(), a.Volunteers.VolunteerLog},
		{"GET /volunteer/hours", a.Volunteers.Policy(), a.Volunteers.VolunteerHours},

		{"GET /partner", a.Partners.Policy(), a.Partners.Space},
		{"GET /partner/refer", a.Partners.Policy(), a.Partners.ReferForm},
		{"POST /partner/refer", a.Partners.Policy(), a.Partners.Refer},
		{"GET /partner/people/{id}", a.Partners.Policy(), a.Partners.PersonShow},
		{"POST /partner/people/{id}/notes", a.Partners.Policy(), a.Partners.NoteAdd},
		{"POST /partner/people/{id}/phone", a.Partners.Policy(), a.Partners.PhoneSave},
		{"POST /partner/people/{id}/withdraw", a.Partners.Policy(), a.Partners.WithdrawSave},
		{"GET /partner/export.csv", a.Partners.Policy(), a.Partners.Export},
		{"GET /partner/colleagues", a.Partners.Policy(), a.Partners.Colleagues},
		{"POST /partner/colleagues", a.Partners.Policy(), a.Partners.Invite},
		// --- end partners ---

		// --- volunteers: public sign-up, staff review, the volunteer's own space ---
		{"GET /volunteer/join", pub, a.Volunteers.JoinForm},
		{"POST /volunteer/join", pub, a.Volunteers.Join},
		{"GET /volunteer/join/thanks", pub, a.Volunteers.JoinThanks},
		{"GET /volunteers", staff, a.Volunteers.List},
		{"GET /volunteers/{id}", staff, a.Volunteers.Show},
		{"POST /volunteers/{id}/validate", staff, a.Volunteers.Validate},
		{"POST /volunteers/{id}/decline", staff, a.Volunteers.Decline},
		{"POST /volunteers/{id}/check", staff, a.Volunteers.Check},
		{"POST /volunteers/{id}/left", staff, a.Volunteers.Left},
		// Volunteers sign in with a one-time link sent by SMS or email.
		{"GET /volunteer/login", pub, a.Volunteers.LoginForm},
		{"POST /volunteer/login", pub, a.Volunteers.LoginSend},
		{"GET /volunteer/login/{token}", pub, a.Volunteers.LinkForm},
		{"POST /volunteer/login/{token}", pub, a.Volunteers.LinkUse},
		{"POST /volunteer/logout", pub, a.Volunteers.Logout},
		{"GET /volunteer", a.Volunteers.Policy(), a.Volunteers.Home},
		{"GET /volunteer/edit", a.Volunteers.Policy(), a.Volunteers.EditForm},
		{"POST /volunteer/edit", a.Volunteers.Policy(), a.Volunteers.EditSave},
		{"POST /volunteer/charter", a.Volunteers.Policy(), a.Volunteers.CharterAccept},
		// --- end volunteers ---

		// --- impact: dashboards, funder reports ---
		// Every member of staff sees the figures of their antennas (an admin, the
		// whole association); managers and admins make funder reports.
		{"GET /impact", staff, a.Impact.Dashboard},
		{"GET /impact/report", managers, a.Impact.Report},
		{"GET /impact/report.csv", managers, a.Impact.ReportCSV},
		{"GET /impact/report.xlsx", managers, a.Impact.ReportXLSX},
		{"GET /impact/report.pdf", managers, a.Impact.ReportPDF},
		// --- end impact ---

		// --- opendata: national open-data standards ---
		// The files are for anyone, without signing in; the association's identity
		// they carry is the national admin's to edit.
		{"GET /opendata", pub, a.OpenData.Index},
		{"GET /opendata/lieux-mediation-numerique.csv", pub, a.OpenData.LieuxCSV},
		{"GET /opendata/lieux-mediation-numerique.json", pub, a.OpenData.LieuxJSON},
		{"GET /opendata/structures.json", pub, a.OpenData.Structures},
		{"GET /opendata/services.json", pub, a.OpenData.Services},
		{"GET /association", admins, a.OpenData.AssociationEdit},
		// The register of processing activities, made from the schema.
		{"GET /privacy/register", admins, a.Privacy.RegisterPage},
		// Who read or changed what of the people served (auditOf, below).
		{"GET /privacy/audit", admins, a.Privacy.AuditPage},
		// Each kind of data, its period and what the next daily run removes.
		{"GET /privacy/retention", admins, a.Privacy.RetentionPage},
		// The files about to be anonymised, in the viewer's antennas.
		{"GET /privacy/notices", staff, a.Privacy.NoticesPage},
		{"POST /association", admins, a.OpenData.AssociationSave},
		// --- end opendata ---

		// --- exports: lists as CSV/XLSX; attendance sheets as PDF (attendance) ---
		// Staff export what their list pages show, in their antennas only (the query
		// is the list page's); a sheet of another antenna's meeting is the 404 page.
		{"GET /exports/learners.csv", staff, a.Exports.LearnersCSV},
		{"GET /exports/learners.xlsx", staff, a.Exports.LearnersXLSX},
		{"GET /exports/cohorts.csv", staff, a.Exports.CohortsCSV},
		{"GET /exports/cohorts.xlsx", staff, a.Exports.CohortsXLSX},
		{"GET /exports/referrals.csv", staff, a.Exports.ReferralsCSV},
		{"GET /exports/referrals.xlsx", staff, a.Exports.ReferralsXLSX},
		{"GET /meetings/{id}/sheet.pdf", staff, a.Attendance.MeetingSheet},
		{"GET /cohorts/{id}/sheets.pdf", staff, a.Attendance.CohortSheets},
		// --- end exports ---

		// --- donations: donors, gifts, tax receipts ---
		// Donors are the managers', the admins' and the fundraising role's, never
		// the advisers': a manager sees the donors their antennas follow
		// (another's is the 404 page), the national roles all, those of the whole
		// association included.
		{"GET /donors", fundraisers, a.Donations.List},
		{"GET /donors/new", fundraisers, a.Donations.New},
		{"POST /donors", fundraisers, a.Donations.Save},
		{"GET /donors/{id}", fundraisers, a.Donations.Show},
		{"GET /donors/{id}/edit", fundraisers, a.Donations.Edit},
		{"POST /donors/{id}/edit", fundraisers, a.Donations.Save},
		{"POST /donors/{id}/gifts", fundraisers, a.Donations.AddGiftPage},
		{"POST /donors/{id}/contacts", fundraisers, a.Donations.AddContactPage},
		{"POST /donors/{id}/contacts/{contact}/remove", fundraisers, a.Donations.RemoveContactPage},
		{"POST /donors/{id}/volunteers", fundraisers, a.Donations.LinkVolunteerPage},
		{"POST /donors/{id}/volunteers/{volunteer}/remove", fundraisers, a.Donations.UnlinkVolunteerPage},
		{"POST /donors/{id}/receipts", fundraisers, a.Donations.IssuePage},
		{"POST /donors/{id}/receipts/{receipt}/cancel", fundraisers, a.Donations.CancelPage},
		{"POST /donors/{id}/gifts/{gift}/devices", fundraisers, a.Donations.AddDevicesPage},
		{"POST /donors/{id}/devices/{device}/use", fundraisers, a.Donations.UseDevicePage},
		// Staff of the learner's antenna hand a donated device over from the file.
		{"POST /learners/{id}/devices", staff, a.Donations.GiveDevice},
		{"GET /donors/{id}/receipts/{receipt}/recu.pdf", fundraisers, a.Donations.ReceiptPDF},
		// Skills sponsorship: a company's agreements, the employees it lends, the
		// sessions and their signed sheets, the valuation of each year.
		{"POST /donors/{id}/agreements", fundraisers, a.Donations.AddAgreementPage},
		{"GET /donors/{id}/agreements/{agreement}", fundraisers, a.Donations.AgreementPage},
		{"POST /donors/{id}/agreements/{agreement}/employees", fundraisers, a.Donations.AddEmployeePage},
		{"POST /donors/{id}/agreements/{agreement}/sessions", fundraisers, a.Donations.AddSessionPage},
		{"POST /donors/{id}/agreements/{agreement}/sessions/{session}/signed", fundraisers, a.Donations.SignedPage},
		{"GET /donors/{id}/agreements/{agreement}/sessions/{session}/sheet.pdf", fundraisers, a.Donations.SheetPDF},
		{"POST /donors/{id}/agreements/{agreement}/valuation", fundraisers, a.Donations.ValuationPage},
		// HelloAsso's payments, the receipts' sending and the yearly declaration
		// are the association's: its admins and fundraising role. The receipts'
		// settings (signatory, signature) are the admins' alone.
		{"GET /donations/import", office, a.Donations.ImportForm},
		{"POST /donations/import", office, a.Donations.ImportUpload},
		{"GET /donations/declaration", office, a.Donations.DeclarationPage},
		// The year's receipts as a ZIP of PDFs: the copy kept for six years.
		{"GET /donations/receipts.zip", office, a.Donations.Archive},
		{"GET /donations/settings", admins, a.Donations.SettingsPage},
		{"GET /donations/send", office, a.Donations.SendPage},
		{"POST /donations/send", office, a.Donations.SendStart},
		{"POST /donations/annual", office, a.Donations.AnnualPage},
		{"GET /donations/report", office, a.Donations.ReportPage},
		{"GET /donations/report.csv", office, a.Donations.ReportCSV},
		{"GET /donations/report.xlsx", office, a.Donations.ReportXLSX},
		{"GET /donations/report.pdf", office, a.Donations.ReportPDF},
		{"POST /donations/settings", admins, a.Donations.SettingsSave},
		// A donor opens the receipt emailed to them by its link, without an account.
		{"GET /recu/{token}", pub, a.Donations.LinkPDF},
		// --- end donations ---

		// --- jobs: the companies' offers, the recruiters' access, the company space ---
		// Staff who follow donors (managers for their antennas' companies, national
		// admins, the fundraising role) see and post the offers of those companies,
		// and give a company's contacts access to its space (another antenna's
		// company or offer is the 404 page). Advisers see the offers of their
		// antennas' companies, propose their people and read the figures; the
		// fundraising role sees no one (checked in each handler).
		{"GET /jobs", offers, a.Jobs.List},
		{"GET /jobs/new", fundraisers, a.Jobs.New},
		{"POST /jobs", fundraisers, a.Jobs.Create},
		{"GET /jobs/{id}", offers, a.Jobs.Show},
		{"GET /jobs/{id}/edit", fundraisers, a.Jobs.Edit},
		{"POST /jobs/{id}", fundraisers, a.Jobs.Save},
		{"POST /jobs/{id}/state", fundraisers, a.Jobs.State},
		{"POST /jobs/{id}/applications", offers, a.Jobs.ProposeFromOffer},
		{"POST /jobs/{id}/links", offers, a.Jobs.SendFromOffer},
		{"POST /jobs/{id}/applications/{app}/cancel", offers, a.Jobs.Cancel},
		{"GET /jobs/figures", offers, a.Jobs.Figures},
		{"GET /companies/{id}/recruitment", fundraisers, a.Jobs.Company},
		{"POST /companies/{id}/recruiters/{recruiter}/grant", fundraisers, a.Jobs.Grant},
		{"POST /companies/{id}/recruiters/{recruiter}/revoke", fundraisers, a.Jobs.Revoke},
		// The company space: recruiters sign in with a one-time emailed link and
		// see and post only their own company's offers (another's is the 404 page).
		{"GET /company/login", pub, a.Jobs.LoginForm},
		{"POST /company/login", pub, a.Jobs.LoginSend},
		{"GET /company/login/{token}", pub, a.Jobs.LinkForm},
		{"POST /company/login/{token}", pub, a.Jobs.LinkUse},
		{"POST /company/logout", pub, a.Jobs.Logout},
		{"GET /company", a.Jobs.Policy(), a.Jobs.Space},
		{"GET /company/jobs/new", a.Jobs.Policy(), a.Jobs.SpaceNew},
		{"POST /company/jobs", a.Jobs.Policy(), a.Jobs.SpaceCreate},
		{"GET /company/jobs/{id}", a.Jobs.Policy(), a.Jobs.SpaceShow},
		{"GET /company/jobs/{id}/edit", a.Jobs.Policy(), a.Jobs.SpaceEdit},
		{"POST /company/jobs/{id}", a.Jobs.Policy(), a.Jobs.SpaceSave},
		{"POST /company/jobs/{id}/state", a.Jobs.Policy(), a.Jobs.SpaceState},
		{"GET /company/jobs/{id}/applications/{app}", a.Jobs.Policy(), a.Jobs.SpaceApp},
		{"GET /company/jobs/{id}/applications/{app}/profile", a.Jobs.Policy(), a.Jobs.SpaceProfile},
		{"GET /company/jobs/{id}/applications/{app}/cv.pdf", a.Jobs.Policy(), a.Jobs.SpaceCV},
		{"POST /company/jobs/{id}/applications/{app}/state", a.Jobs.Policy(), a.Jobs.SpaceAppState},
		// --- end jobs ---

		// --- civic: the civic service (approvals, offers, applications, contracts, obligations) ---
		// Anyone reads the published offers and applies without an account; staff
		// see their antennas' offers, applications, contracts and obligations
		// (another antenna's is the 404 page); managers keep the approvals and make
		// contracts, whose quota is checked in their transaction.
		{"GET /service-civique", pub, a.Civic.Public},
		{"GET /service-civique/{id}", pub, a.Civic.PublicOffer},
		{"POST /service-civique/{id}", pub, a.Civic.Apply},
		{"GET /service-civique/{id}/thanks", pub, a.Civic.Thanks},
		{"GET /civic", staff, a.Civic.Home},
		{"GET /civic/approvals/new", managers, a.Civic.ApprovalNew},
		{"POST /civic/approvals", managers, a.Civic.ApprovalSave},
		{"GET /civic/approvals/{id}/edit", managers, a.Civic.ApprovalEdit},
		{"POST /civic/approvals/{id}", managers, a.Civic.ApprovalSave},
		{"GET /civic/offers/new", staff, a.Civic.OfferNew},
		{"POST /civic/offers", staff, a.Civic.OfferSave},
		{"GET /civic/offers/{id}", staff, a.Civic.OfferShow},
		{"GET /civic/offers/{id}/edit", staff, a.Civic.OfferEdit},
		{"POST /civic/offers/{id}", staff, a.Civic.OfferSave},
		{"GET /civic/applications/{id}", staff, a.Civic.ApplicationShow},
		{"POST /civic/applications/{id}/state", staff, a.Civic.ApplicationMove},
		{"POST /civic/applications/{id}/interview", staff, a.Civic.ApplicationInterview},
		{"GET /civic/applications/{id}/contract", managers, a.Civic.ContractNew},
		{"POST /civic/applications/{id}/contract", managers, a.Civic.ContractSave},
		{"GET /civic/contracts/{id}", staff, a.Civic.ContractShow},
		{"GET /civic/contracts/{id}/certificate.pdf", staff, a.Civic.Certificate},
		{"GET /civic/obligations", staff, a.Civic.Due},
		{"POST /civic/obligations/{id}/done", staff, a.Civic.ObligationDone},
		// --- end civic ---

		// Anything else: the 404 page in the visitor's language.
		{"/", pub, a.notFound},
	}
}

// auditOf is what a route leaves in the audit of reads and changes of the
// people's data (DOMAIN.md, Privacy), "" for nothing: every page of a
// learner's file, its positioning results, every change to it, the referrals
// (staff's, and a partner's page of a person it referred), and every list or
// sheet of names downloaded (the partner space's list included), and a
// person's data exported for them.
func auditOf(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	switch {
	case method == "GET" && strings.HasPrefix(path, "/learners/{id}/access"):
		return privacy.PersonExport
	case method == "GET" && strings.HasSuffix(path, ".json"):
		return privacy.Export
	case method == "GET" && strings.HasPrefix(path, "/learners/{id}/positioning/"):
		return privacy.PositioningRead
	case method == "GET" && strings.HasPrefix(path, "/learners/{id}"):
		return privacy.LearnerRead
	case method == "POST" && path == "/learners/{id}/erase":
		return privacy.Erasure
	case method == "POST" && strings.HasPrefix(path, "/learners/{id}"):
		return privacy.LearnerChange
	case method == "GET" && (strings.HasPrefix(path, "/referrals/{id}") || strings.HasPrefix(path, "/partner/people/{id}")):
		return privacy.ReferralRead
	case method == "POST" && strings.HasPrefix(path, "/referrals/{id}"):
		return privacy.ReferralChange
	case method == "GET" && (strings.HasPrefix(path, "/exports/") || path == "/partner/export.csv" ||
		strings.HasSuffix(path, "sheet.pdf") || strings.HasSuffix(path, "sheets.pdf")):
		return privacy.Export
	}
	return ""
}
