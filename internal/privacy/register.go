// Package privacy is what Tremplin tells about the personal data it keeps:
// the register of processing activities (GDPR art. 30) generated from the
// schema Tremplin actually has. Every table of the database belongs to one
// entry of the register, and a test fails for a table that does not: a new
// kind of data cannot come in without the register saying why it is kept,
// who receives it and for how long.
package privacy

import (
	"context"
	"embed"
	"net/http"
	"slices"
	"strings"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("privacy", templates, nil) }

// Processing is one processing activity of the register. Its words are in
// the catalogs: privacy.p.<Key>.title and .purpose, and the codes' labels.
type Processing struct {
	Key        string
	Basis      string   // consent, contract, legal_obligation, legitimate_interest
	Categories []string // kinds of data (privacy.category.<code>)
	Recipients []string // who receives it (privacy.recipient.<code>)
	Retention  string   // how long (privacy.retention.<code>)
	// Automatic is set when Tremplin removes or anonymises the data itself
	// when its time is up; otherwise staff must (the retention page says so).
	Automatic bool
	Tables    []string
}

// Register is the association's processing activities, with the tables that
// hold their data. "reference" and "technical" hold no personal data: the
// association's own settings and the machinery.
var Register = []Processing{
	{Key: "learners", Basis: "legitimate_interest",
		Categories: []string{"identity", "contact", "situation", "notes"},
		Recipients: []string{"antenna_staff", "referring_partner"},
		Retention:  "two_years_after_activity", Automatic: true,
		Tables: []string{"learners", "learner_contacts", "learner_secondary_contacts", "learner_history", "learner_notes",
			"learner_followups", "learner_keys", "learner_keys_state", "registrations_held", "registration_attempts", "registration_passes"}},
	{Key: "positioning", Basis: "legitimate_interest", Categories: []string{"skills"},
		Recipients: []string{"antenna_staff"}, Retention: "two_years_after_activity", Automatic: true,
		Tables: []string{"positioning_tests", "positioning_test_answers", "positioning_test_scores"}},
	{Key: "training", Basis: "legitimate_interest", Categories: []string{"training", "attendance"},
		Recipients: []string{"antenna_staff", "funders_aggregated"}, Retention: "two_years_after_activity", Automatic: true,
		Tables: []string{"enrolments", "attendance", "cohort_log"}},
	{Key: "appointments", Basis: "legitimate_interest", Categories: []string{"contact", "appointments", "messages"},
		Recipients: []string{"antenna_staff", "sms_provider", "email_provider"}, Retention: "two_years_after_activity", Automatic: true,
		Tables: []string{"appointments", "booking_links", "booking_link_staff", "reply_links", "messages", "message_counts"}},
	{Key: "partners", Basis: "legitimate_interest", Categories: []string{"identity", "contact", "referral"},
		Recipients: []string{"antenna_staff", "referring_partner"}, Retention: "two_years_after_activity",
		Tables: []string{"partner_orgs", "partner_contacts", "partner_antennas", "partner_contact_antennas", "partner_interactions",
			"referrals", "referral_people", "referral_events", "referral_notes", "import_batches"}},
	{Key: "statistics", Basis: "legitimate_interest", Categories: []string{"statistics"},
		Recipients: []string{"funders_aggregated", "public_open_data"}, Retention: "statistics_kept", Automatic: true,
		Tables: []string{"impact_people", "impact_days", "impact_months", "impact_referrals", "impact_appointments",
			"impact_noshow_days", "impact_noshow_months", "impact_frozen"}},
	{Key: "staff", Basis: "contract", Categories: []string{"identity", "contact", "connection"},
		Recipients: []string{"association_admins"}, Retention: "staff_accounts", Automatic: true,
		Tables: []string{"staff", "staff_antennas", "sessions", "login_failures", "password_resets", "signin_links", "adviser_feeds",
			"link_requests", "cohort_advisers", "appointment_slots"}},
	{Key: "audit", Basis: "legal_obligation", Categories: []string{"connection"},
		Recipients: []string{"association_admins"}, Retention: "one_year", Automatic: true,
		Tables: []string{"audit_events"}},
	{Key: "volunteers", Basis: "legitimate_interest", Categories: []string{"identity", "contact", "volunteering", "checks"},
		Recipients: []string{"antenna_staff", "cec_platform"}, Retention: "volunteers_two_years", Automatic: true,
		Tables: []string{"volunteers", "volunteer_skills", "volunteer_languages", "volunteer_requirements", "volunteer_signups",
			"volunteer_hours", "volunteer_cec_confirmations", "volunteer_feeds", "volunteer_hours_days"}},
	{Key: "civic", Basis: "legal_obligation", Categories: []string{"identity", "contact", "civic_contract"},
		Recipients: []string{"antenna_staff", "state_agency"}, Retention: "civic_contracts",
		Tables: []string{"civic_applications", "civic_application_events", "civic_contracts", "civic_obligations"}},
	{Key: "donors", Basis: "legal_obligation", Categories: []string{"identity", "contact", "gifts"},
		Recipients: []string{"fundraising_staff", "tax_administration", "helloasso"}, Retention: "six_years_tax",
		Tables: []string{"donors", "donor_contacts", "donor_volunteers", "gifts", "receipts", "receipt_gifts", "donated_devices"}},
	{Key: "sponsorship", Basis: "legal_obligation", Categories: []string{"identity", "sponsorship"},
		Recipients: []string{"fundraising_staff", "tax_administration"}, Retention: "six_years_tax",
		Tables: []string{"sponsorship_agreements", "sponsorship_employees", "sponsorship_sessions", "sponsorship_attendance"}},
	{Key: "job_offers", Basis: "legitimate_interest", Categories: []string{"identity", "contact", "job_offers"},
		Recipients: []string{"fundraising_staff", "company_recruiters"}, Retention: "two_years_after_activity",
		Tables: []string{"recruiters", "job_offers", "job_offer_events"}},
	{Key: "recruitment", Basis: "consent", Categories: []string{"identity", "skills", "training", "recruitment"},
		Recipients: []string{"antenna_staff", "recruiting_companies"}, Retention: "two_years_after_activity",
		Tables: []string{"profile_consents", "recruiter_profiles", "recruiter_profile_courses", "recruiter_cvs",
			"job_applications", "job_application_events"}},
	{Key: "reference", Categories: []string{"none"}, Recipients: []string{"public_open_data"}, Retention: "while_used",
		Tables: []string{"association", "antennas", "antenna_closures", "places", "programmes", "cohorts", "meetings",
			"positioning_questions", "positioning_answers", "positioning_thresholds", "message_templates", "sms_prices", "volunteer_missions",
			"volunteer_mission_skills", "volunteer_shifts", "volunteer_rates", "volunteer_charters", "volunteer_cec_rules",
			"volunteer_check_validity", "civic_approvals", "civic_approval_antennas", "civic_offers", "civic_indemnity",
			"social_security_ceilings", "donation_caps", "receipt_settings", "receipt_sequences", "retention_periods", "profile_consent_texts", "job_application_delays"}},
	{Key: "technical", Categories: []string{"none"}, Recipients: []string{"nobody"}, Retention: "while_used", Automatic: true,
		Tables: []string{"schema_migrations", "form_once", "impact_changed", "impact_dirty", "impact_refresh", "impact_noshow_changed",
			"impact_noshow_dirty", "write_probe", "bulk_load", "river_job", "river_leader", "river_migration", "river_notification",
			"river_queue", "river_client", "river_client_queue"}},
}

// Tables lists the database's tables, SQLite's own aside.
func Tables(ctx context.Context, d *db.DB) ([]string, error) {
	q := "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if d.Engine == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	return db.Collect[string](d.QueryContext(ctx, q))(func(row db.Scanner) (string, error) {
		var s string
		return s, row.Scan(&s)
	})
}

// Columns lists a table's columns in their order.
func Columns(ctx context.Context, d *db.DB, table string) ([]string, error) {
	q := "SELECT name FROM pragma_table_info($1) ORDER BY cid"
	if d.Engine == db.Postgres {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
	}
	return db.Collect[string](d.QueryContext(ctx, q, table))(func(row db.Scanner) (string, error) {
		var s string
		return s, row.Scan(&s)
	})
}

// Entry is a processing activity as the register page shows it: the tables
// it declares that the database has, with their columns.
type Entry struct {
	Processing
	Stored []Stored
}

// Stored is a table of an entry, with its columns.
type Stored struct {
	Table   string
	Columns string
}

// Undeclared lists the database's tables no entry of the register declares.
func Undeclared(tables []string) []string {
	var out []string
	for _, t := range tables {
		if !slices.ContainsFunc(Register, func(p Processing) bool { return slices.Contains(p.Tables, t) }) {
			out = append(out, t)
		}
	}
	return out
}

// Handlers serve the register, the audit and the access export.
type Handlers struct {
	web.Deps
	// PartnerContact is the partner's contact signed in to the partner space
	// (0 for none), whom the audit names for the space's reads.
	PartnerContact func(r *http.Request) int64
	// Retention is the learners' files' retention, which the retention page
	// and erasure share with the daily purge.
	Retention *Retention
	Now       func() time.Time // the clock (nil: time.Now)
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// RegisterPage is the register of processing activities, generated from the
// schema: GET /privacy/register (admins).
func (h *Handlers) RegisterPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tables, err := Tables(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var entries []Entry
	for _, p := range Register {
		e := Entry{Processing: p}
		for _, t := range p.Tables {
			if !slices.Contains(tables, t) {
				continue // a queue's table that this engine's version lacks
			}
			cols, err := Columns(ctx, h.DB, t)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			e.Stored = append(e.Stored, Stored{Table: t, Columns: strings.Join(cols, ", ")})
		}
		entries = append(entries, e)
	}
	h.Render.Render(w, r, http.StatusOK, "privacy/register.html", struct {
		Entries    []Entry
		Undeclared []string
	}{entries, Undeclared(tables)}, nil)
}
