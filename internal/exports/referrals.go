package exports

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

func zoneOf(zones map[int64]*time.Location, antenna int64) *time.Location {
	if l := zones[antenna]; l != nil {
		return l
	}
	return time.UTC
}

// ReferralsTable lists, one row per person, the referrals to st's antennas
// (those of organisation orgID when not 0), newest first, with the partners
// package's own listing. States and sources are written as codes: the words belong
// to the partners package. Rows are read as the file is written.
func ReferralsTable(ctx context.Context, d *db.DB, st *auth.Staff, orgID int64, p i18n.Printer) (*Table, error) {
	antennas, err := org.Antennas(ctx, d, st.Scope())
	if err != nil {
		return nil, err
	}
	zones := map[int64]*time.Location{}
	for _, a := range antennas {
		zones[a.ID] = training.Location(a.Timezone)
	}
	t := &Table{Sheet: p.T("exports.sheet.referrals"),
		Headers: []string{p.T("exports.col.referral"), p.T("exports.col.referred_on"), p.T("exports.col.organisation"),
			p.T("exports.col.contact"), p.T("exports.col.source"), p.T("exports.col.antenna"), p.T("exports.col.programme"),
			p.T("exports.col.learner"), p.T("exports.col.last_name"), p.T("exports.col.first_name"), p.T("exports.col.referral_state")},
		Widths: []float64{8, 14, 30, 22, 10, 22, 30, 10, 20, 18, 16},
	}
	t.Each = func(emit func([]any) error) error {
		return partners.EachReferredPerson(ctx, d, st.Scope(), orgID, func(rp *partners.ReferredPerson) error {
			ref, pp := &rp.Referral, &rp.Person
			return emit([]any{ref.ID, Date{Time: ref.CreatedAt.In(zoneOf(zones, ref.AntennaID))}, ref.OrgName, ref.ContactName,
				ref.Source, ref.AntennaName, ref.ProgrammeTitle, pp.LearnerID, pp.LastName, pp.FirstName, pp.State})
		})
	}
	return t, nil
}

// ReferralsCSV sends the referred people as CSV (?org= for one organisation).
func (h *Handlers) ReferralsCSV(w http.ResponseWriter, r *http.Request) { h.referrals(w, r, "csv") }

// ReferralsXLSX sends the referred people as an Excel workbook.
func (h *Handlers) ReferralsXLSX(w http.ResponseWriter, r *http.Request) { h.referrals(w, r, "xlsx") }

func (h *Handlers) referrals(w http.ResponseWriter, r *http.Request, format string) {
	ctx := r.Context()
	org, _ := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	t, err := ReferralsTable(ctx, h.DB, auth.Current(ctx), org, i18n.FromContext(ctx))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.sendTable(w, r, t, "orientations", format)
}
