package wubu

import (
	"context"
	"time"
)

// The community forum (K4) and interest groups (U5): each project has a
// general board and a board per interest group (社团) the centre creates;
// residents join groups, open topics and reply; staff answer under their
// own name and post; buyers before move-in read and post as prospective
// owners. The centre moderates: it locks a topic (no more replies), hides
// a topic or a reply and shows it again; readers report posts, and the
// moderators see the reported posts with their counts.

// Forum board kinds.
const (
	BoardForum = "forum" // the project's general board
	BoardGroup = "group" // an interest group's board
)

// Forum post states.
const (
	PostVisible = "visible"
	PostLocked  = "locked" // a topic closed to replies
	PostHidden  = "hidden" // hidden by a moderator
)

// Forum moderation steps.
const (
	ForumLock    = "lock"
	ForumUnlock  = "unlock"
	ForumHide    = "hide"
	ForumRestore = "restore"
)

// ForumPostLifecycle: a post is visible; a moderator locks a topic (no
// more replies) and unlocks it, hides a topic or a reply and restores it.
// Posts are written visible by their authors; only the moderation moves
// them.
var ForumPostLifecycle = declare(&Lifecycle{
	Object: "forum_post",
	States: []LifecycleState{
		{Name: PostVisible, Refusal: "Post %d is visible: this step is not possible now."},
		{Name: PostLocked, Refusal: "Topic %d is locked: this step is not possible now."},
		{Name: PostHidden, Refusal: "Post %d is hidden: this step is not possible now."},
	},
	Steps: []StepDecl{
		{Action: ForumLock, From: []string{PostVisible}, To: PostLocked, Perm: PermStaffView},
		{Action: ForumUnlock, From: []string{PostLocked}, To: PostVisible, Perm: PermStaffView},
		{Action: ForumHide, From: []string{PostVisible, PostLocked}, To: PostHidden, Perm: PermStaffView},
		{Action: ForumRestore, From: []string{PostHidden}, To: PostVisible, Perm: PermStaffView},
	},
})

// Forum author kinds.
const (
	AuthorResident = "resident"
	AuthorProspect = "prospect" // a buyer before move-in
	AuthorStaff    = "staff"
)

// ForumAuthor is who writes or reports as a member of the community: a
// resident (PersonID) or a buyer before move-in (ProspectID). The caller
// (the portal's session) has established who they are.
type ForumAuthor struct {
	ProjectID  int64
	PersonID   int64
	ProspectID int64
}

// ForumBoard is a board: the general forum or an interest group's.
type ForumBoard struct {
	ID          int64     `json:"id"`
	ProjectID   int64     `json:"project_id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// Members counts a group's members; Topics its visible topics.
	Members int `json:"members"`
	Topics  int `json:"topics"`
	// Member says whether the reader is a member (residents' reads).
	Member bool `json:"member,omitempty"`
}

// ForumPost is a topic (TopicID nil, with a title) or a reply.
type ForumPost struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	BoardID   int64  `json:"board_id"`
	TopicID   *int64 `json:"topic_id,omitempty"`
	Title     string `json:"title,omitempty"`
	Body      string `json:"body"`
	State     string `json:"state"`
	// AuthorKind is resident, prospect or staff; AuthorName is shown:
	// a resident's or buyer's name masked (王**), a staff member's name in
	// full with their post (AuthorPost).
	AuthorKind string    `json:"author_kind"`
	AuthorName string    `json:"author_name"`
	AuthorPost Post      `json:"author_post,omitempty"`
	PersonID   *int64    `json:"person_id,omitempty"`
	ProspectID *int64    `json:"prospect_id,omitempty"`
	UserID     *int64    `json:"user_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Replies counts a topic's visible replies; Reports the reports of
	// the post (moderators' reads).
	Replies int `json:"replies"`
	Reports int `json:"reports,omitempty"`
}

// ForumTopic is a topic with its replies.
type ForumTopic struct {
	Topic   *ForumPost   `json:"topic"`
	Board   *ForumBoard  `json:"board"`
	Replies []*ForumPost `json:"replies"`
}

// ForumReport is a reported post with its count, for the moderators.
type ForumReport struct {
	Post    *ForumPost `json:"post"`
	Count   int        `json:"count"`
	Reasons []string   `json:"reasons"`
	Last    time.Time  `json:"last"`
}

// ForumService keeps the boards. Staff read with PermResidentView and
// answer with PermResidentEdit; creating groups and moderating needs
// PermStaffView (those who lead). Members of the community act through the
// *As functions, which take the author the portal established. Another
// project's board or post answers ENOTFOUND, as does a hidden post to a
// member of the community.
type ForumService interface {
	// CreateBoard creates a project's general board or an interest
	// group's. EINVALID (kind, name).
	CreateBoard(ctx context.Context, b *ForumBoard) error
	// FindBoards lists a project's boards, the general ones first; for a
	// member of the community (author non-nil) with their memberships.
	FindBoards(ctx context.Context, projectID int64, author *ForumAuthor) ([]*ForumBoard, error)
	// FindTopics lists a board's topics, the latest active first, and the
	// total; hidden ones only for staff (author nil).
	FindTopics(ctx context.Context, boardID int64, author *ForumAuthor, offset, limit int) (*ForumBoard, []*ForumPost, int, error)
	// FindTopic returns a topic with its replies (hidden ones only for
	// staff).
	FindTopic(ctx context.Context, topicID int64, author *ForumAuthor) (*ForumTopic, error)
	// JoinGroup makes a resident a member of a group's board (again is
	// no change). EINVALID for a buyer before move-in or the general board.
	JoinGroup(ctx context.Context, boardID int64, author ForumAuthor) error
	// LeaveGroup ends a resident's membership.
	LeaveGroup(ctx context.Context, boardID int64, author ForumAuthor) error
	// PostTopicAs opens a topic as a member of the community: a group's
	// board needs its members. EINVALID (title, body), EFORBIDDEN (not a
	// member).
	PostTopicAs(ctx context.Context, author ForumAuthor, p *ForumPost) error
	// ReplyAs replies to a topic as a member of the community. ECONFLICT
	// for a locked topic, EFORBIDDEN (not a member).
	ReplyAs(ctx context.Context, author ForumAuthor, topicID int64, body string) (*ForumPost, error)
	// Answer replies to a topic as the signed-in staff member, under
	// their name and post. ECONFLICT for a locked topic.
	Answer(ctx context.Context, topicID int64, body string) (*ForumPost, error)
	// ReportAs reports a post to the moderators (once per reader).
	ReportAs(ctx context.Context, author ForumAuthor, postID int64, reason string) error
	// Moderate takes a moderation step on a post (ForumLock, ForumUnlock:
	// topics only; ForumHide, ForumRestore). ECONFLICT when the state does
	// not allow it, EINVALID for locking a reply.
	Moderate(ctx context.Context, postID int64, action, note string) (*ForumPost, error)
	// FindReports lists a project's reported posts, the most reported
	// first.
	FindReports(ctx context.Context, projectID int64) ([]*ForumReport, error)
}
