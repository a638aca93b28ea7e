package app

import (
	"context"
	"time"

	"tremplin/internal/agenda"
	"tremplin/internal/attendance"
	"tremplin/internal/civic"
	"tremplin/internal/donations"
	"tremplin/internal/followups"
	"tremplin/internal/learners"
	"tremplin/internal/messages"
	"tremplin/internal/org"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/training"
	"tremplin/internal/volunteers"
)

// todayLimit bounds each count of the home page: beyond, it says "99+".
const todayLimit = 100

// today gathers a staff member's work of the day for the home page, from each
// package's small count functions (org imports none of them). A count that fails is
// left out and logged: the home page still opens.
func (a *App) today(ctx context.Context, st *auth.Staff) []org.TodayItem {
	now := time.Now()
	sc := st.Scope()
	// Advisers see the cohorts they teach; managers and admins, their antennas'.
	teaching := st.Role == auth.Adviser
	var items []org.TodayItem
	add := func(key, href string, count func() (int, error)) {
		n, err := count()
		if err != nil {
			a.Log.WarnContext(ctx, "home: a count is unavailable", "count", key, "err", err)
			return
		}
		items = append(items, org.TodayItem{Key: key, Count: n, Limit: todayLimit, Href: href})
	}
	receipts := func() {
		add("donations_receipts", "/donors", func() (int, error) { return donations.AwaitingReceipt(ctx, a.DB, sc, todayLimit) })
	}
	if st.Role == auth.Fundraising {
		receipts() // the people the association serves are not theirs
		return items
	}
	add("new", "/inbox?who=all&status=received", func() (int, error) {
		return learners.NewRegistrations(ctx, a.DB, sc, todayLimit)
	})
	add("mine", "/inbox?who=me", func() (int, error) { return learners.MyQueue(ctx, a.DB, st.ID, todayLimit) })
	add("appointments", "/agenda#today", func() (int, error) {
		return agenda.AppointmentsToday(ctx, a.DB, st, now, todayLimit)
	})
	add("messages", "/messages", func() (int, error) { return messages.ToWatch(ctx, a.DB, sc, now, todayLimit) })
	add("rollcalls", "/meetings", func() (int, error) {
		return attendance.RollCallsToTakeCount(ctx, a.DB, sc, teaching, now, todayLimit)
	})
	add("alerts", "/attendance/alerts", func() (int, error) {
		return attendance.RecentAbsences(ctx, a.DB, sc, teaching, now, todayLimit)
	})
	add("followups", "/followups", func() (int, error) { return followups.DueCount(ctx, a.DB, sc, now, todayLimit) })
	add("offers", "/cohorts", func() (int, error) { return training.OffersWaiting(ctx, a.DB, sc, todayLimit) })
	add("nextsteps", "/outreach", func() (int, error) {
		return partners.NextStepsDueCount(ctx, a.DB, sc, 0, now, todayLimit)
	})
	add("civic_late", "/civic/obligations", func() (int, error) { return civic.LateCount(ctx, a.DB, sc, now, todayLimit) })
	add("civic_due", "/civic/obligations", func() (int, error) { return civic.DueCount(ctx, a.DB, sc, now, todayLimit) })
	add("volunteer_shifts", "/volunteers/shifts#thin", func() (int, error) {
		return volunteers.ThinShiftsCount(ctx, a.DB, sc, now, todayLimit)
	})
	add("volunteer_hours", "/volunteers/hours", func() (int, error) {
		return volunteers.PendingHoursCount(ctx, a.DB, sc, todayLimit)
	})
	if st.Role != auth.Adviser {
		receipts()
	}
	return items
}
