package learners

import (
	"tremplin/internal/appointments"
	"tremplin/internal/positioning"
	"tremplin/internal/training"
)

// withTests adds the positioning tests to a file's timeline (newest first), each
// with its score, its level and who ran it, on the antenna's clock.
func withTests(events []*Event, tests []positioning.Result, tz string) []*Event {
	if len(tests) == 0 {
		return events
	}
	loc := training.Location(tz)
	for _, r := range tests {
		events = append(events, &Event{At: r.TakenAt.In(loc), Kind: "positioning", TestID: r.ID, Percent: r.Percent,
			Level: r.Level, StaffName: r.StaffName})
	}
	SortTimeline(events)
	return events
}

// withAppointments adds the person's appointments to the timeline, at their time.
func withAppointments(events []*Event, list []*appointments.Appointment) []*Event {
	if len(list) == 0 {
		return events
	}
	for _, a := range list {
		status := a.Outcome
		if a.Cancelled() {
			status = "cancelled_" + a.CancelledBy
		}
		events = append(events, &Event{At: a.StartsAt, Kind: "appointment", Detail: a.Kind, Status: status, StaffName: a.StaffName})
	}
	SortTimeline(events)
	return events
}
