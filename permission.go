package wubu

import "context"

// Permission is an operation that some roles may perform. Whether the caller
// may perform it on a given project is decided by Authorize, the one
// permission check of Wubu: by role here, by project scope in the user.
type Permission string

// Permissions.
const (
	PermOrgView       Permission = "org.view"       // see projects, zones, buildings, rooms
	PermOrgEdit       Permission = "org.edit"       // create and rename zones, buildings, rooms
	PermProjectCreate Permission = "project.create" // create and rename projects
	PermStaffView     Permission = "staff.view"     // list staff and assignments
	PermStaffEdit     Permission = "staff.edit"     // create, change and disable staff; assign
	PermAuditView     Permission = "audit.view"     // search the audit log
	PermSelf          Permission = "self"           // one's own account: password, language

	PermResidentView   Permission = "resident.view"   // look residents up, open the customer card
	PermResidentEdit   Permission = "resident.edit"   // add and change residents' information
	PermResidentImport Permission = "resident.import" // import and export resident lists
	PermRevealPhone    Permission = "reveal.phone"    // show a resident's full phone number (audited)
	PermRevealID       Permission = "reveal.id"       // show a resident's full ID number (audited)

	PermSettingsEdit Permission = "settings.edit" // a project's rules: working hours, reminders, price lists, rosters
	PermOutboxView   Permission = "outbox.view"   // see the notification outbox of a project
	PermOutboxManage Permission = "outbox.manage" // resend messages; festival campaigns
	PermReportView   Permission = "report.view"   // a project's reports and figures
	PermSegmentQuery Permission = "segment.query" // query residents by segment, save segments, export them (U2)

	PermOrderView     Permission = "order.view"     // see work orders
	PermOrderEdit     Permission = "order.edit"     // open orders, work on them (accept, arrive, quote, done), follow up
	PermOrderDispatch Permission = "order.dispatch" // dispatch and reassign orders; night-duty calls

	PermSecurityView   Permission = "security.view"   // see passes, patrols, hazards, incidents
	PermSecurityEdit   Permission = "security.edit"   // start passes, check in, report hazards and incidents
	PermPassConfirm    Permission = "pass.confirm"    // confirm or refuse a release pass; file new tenants
	PermSecurityManage Permission = "security.manage" // patrol routes and checkpoints, campaigns, knowledge base
)

// Groups of permissions that several roles share.
var (
	// frontLine is what every member of staff who serves residents may do.
	frontLine = []Permission{PermSelf, PermOrgView, PermResidentView, PermResidentEdit, PermOrderView, PermOrderEdit, PermSecurityView, PermSecurityEdit}
	// leading is what those who lead others add to it.
	leading = []Permission{PermStaffView, PermOrderDispatch, PermReportView, PermOutboxView, PermPassConfirm}
)

// rolePermissions is the policy: which role may do what.
var rolePermissions = map[Role][]Permission{
	RoleStaff:       frontLine,
	RoleTeamLeader:  concat(frontLine, leading, []Permission{PermSecurityManage}),
	RoleDutyManager: concat(frontLine, leading, []Permission{PermRevealPhone, PermRevealID, PermSegmentQuery}),
	RoleManager: concat(frontLine, leading, []Permission{PermSegmentQuery, PermOrgEdit, PermStaffEdit, PermAuditView, PermResidentImport, PermResidentRights, PermRevealPhone, PermRevealID,
		PermSettingsEdit, PermOutboxManage, PermSecurityManage}),
	// The quality department reads everything across its communities and
	// keeps the knowledge base; it changes no resident's data.
	RoleQuality: {PermSelf, PermOrgView, PermStaffView, PermAuditView, PermResidentView, PermOrderView, PermSecurityView, PermReportView, PermOutboxView, PermSecurityManage, PermSegmentQuery},
	RoleAdmin: concat(frontLine, leading, []Permission{PermSegmentQuery, PermOrgEdit, PermProjectCreate, PermStaffEdit, PermAuditView, PermResidentImport, PermResidentRights, PermRevealPhone, PermRevealID,
		PermSettingsEdit, PermOutboxManage, PermSecurityManage}),
}

func concat(groups ...[]Permission) []Permission {
	var all []Permission
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// postPermissions are granted by the post to front-line staff and team
// leaders: customer service keeps the residents' archive and calls them; a
// technician calls the resident whose repair they are on. Guards and
// cleaners see phones and ID numbers masked.
var postPermissions = map[Post][]Permission{
	PostService:     {PermRevealPhone, PermRevealID, PermPassConfirm, PermOrderDispatch, PermSegmentQuery},
	PostMaintenance: {PermRevealPhone},
}

// Can reports whether the user may perform the permission, by role and,
// for staff and team leaders, by post.
func (u *User) Can(p Permission) bool {
	if u == nil || u.Disabled {
		return false
	}
	if u.Role.Can(p) {
		return true
	}
	if u.Role == RoleStaff || u.Role == RoleTeamLeader {
		for _, q := range postPermissions[u.Post] {
			if q == p {
				return true
			}
		}
	}
	return false
}

// Can reports whether the role grants the permission, whatever the project.
func (r Role) Can(p Permission) bool {
	for _, q := range rolePermissions[r] {
		if q == p {
			return true
		}
	}
	return false
}

// rank orders roles for granting: a manager may create accounts only of
// roles below manager.
var rank = map[Role]int{RoleStaff: 1, RoleTeamLeader: 2, RoleDutyManager: 3, RoleManager: 4, RoleQuality: 5, RoleAdmin: 6}

// CanGrant reports whether a user of role r may give another user role g.
func (r Role) CanGrant(g Role) bool {
	if r == RoleAdmin {
		return true
	}
	return r.Can(PermStaffEdit) && rank[g] < rank[r] && g != RoleQuality
}

// Authorize is the one permission check. It returns EUNAUTHORIZED when nobody
// is signed in, EFORBIDDEN when the caller's role lacks the permission, and
// ENOTFOUND when the object lies in a project the caller does not serve —
// the same answer as for a missing object, so nothing leaks that it exists.
// A projectID of 0 checks the role only.
func Authorize(ctx context.Context, p Permission, projectID int64) (*User, error) {
	u := UserFromContext(ctx)
	if u == nil {
		return nil, Errorf(EUNAUTHORIZED, "Please sign in.")
	}
	if projectID != 0 && !u.Serves(projectID) {
		return nil, Errorf(ENOTFOUND, "Not found.")
	}
	if !u.Can(p) {
		return nil, Errorf(EFORBIDDEN, "You do not have permission to do this.")
	}
	return u, nil
}
