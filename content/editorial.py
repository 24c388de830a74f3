"""Who may edit the catalogue, and how a course gets published.

Trainers add and edit pages under the catalogue only, and submit them;
reviewers (and admins, who are superusers) approve in the workflow
"Duyệt khóa học", which publishes. Set up idempotently after every migrate.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from content.models import CourseIndexPage
from lms.registry.roles import REVIEWERS, TRAINERS, role_group

WORKFLOW_NAME = "Duyệt khóa học"
TASK_NAME = "Người duyệt nội dung phê duyệt"

TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page")
REVIEWER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_pages(group: Group, page, codenames: tuple[str, ...]) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission("wagtailcore", codename)
        )


def _grant_collection(group: Group, collection: Collection) -> None:
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )


@transaction.atomic
def editorial_setup() -> Workflow | None:
    """Create the trainer and reviewer groups' permissions and the review
    workflow on the catalogue; change nothing that already exists. Returns the
    workflow, or None when there is no catalogue page yet."""
    for label in ("wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs"):
        create_permissions(apps.get_app_config(label), verbosity=0)
    trainers, reviewers = role_group(TRAINERS), role_group(REVIEWERS)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        _grant_collection(trainers, root_collection)
        _grant_collection(reviewers, root_collection)

    catalogue = CourseIndexPage.objects.order_by("path").first()
    if catalogue is None:
        return None
    _grant_pages(trainers, catalogue, TRAINER_PAGE_PERMISSIONS)
    _grant_pages(reviewers, catalogue, REVIEWER_PAGE_PERMISSIONS)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.add(reviewers)
    if not workflow.workflow_tasks.exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow
