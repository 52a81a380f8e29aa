"""Each rule kind, end to end through the engine: config text and source files in, the
violations a user would read out."""

from __future__ import annotations

from collections.abc import Callable

from archrules.core.project import Project
from support import summary

Make = Callable[..., Project]

ADR1 = {"0001-pure.md": "---\nstatus: accepted\n---\n# Pure domain\n"}

SHOP = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/forms.py": "",
    "src/shop/cli/__init__.py": "",
    "src/shop/cli/main.py": "",
    "src/shop/services/__init__.py": "",
    "src/shop/services/pricing.py": "",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/order.py": "",
    "src/shop/utils.py": "",
}

LAYERS = """
[project]
roots = ["src"]

[[layers]]
name = "clean"
layers = [["shop.web", "shop.cli"], "shop.services", "shop.domain"]
{extra}
"""


def check(
    make: Make, config: str, files: dict[str, str]
) -> list[tuple[str, str | None, str | None, int]]:
    project = make(config, {**SHOP, **files}, adrs=ADR1)
    assert not project.problems, project.problems
    assert project.model is not None
    return summary(project.model.violations())


def layers(extra: str = "") -> str:
    return LAYERS.format(extra=extra)


def test_layers_allow_downward_imports(project: Make) -> None:
    files = {
        "src/shop/web/forms.py": "from shop.services import pricing\nimport shop.domain.order\n",
        "src/shop/services/pricing.py": "from shop.domain.order import Order\n",
    }
    assert check(project, layers(), files) == []


def test_layers_report_an_upward_import_on_its_line(project: Make) -> None:
    files = {"src/shop/domain/order.py": "import os\n\nfrom shop.web.forms import OrderForm\n"}
    assert check(project, layers(), files) == [("clean", "shop.domain.order", "shop.web.forms", 3)]


def test_layers_siblings_may_not_import_each_other(project: Make) -> None:
    files = {"src/shop/cli/main.py": "from shop.web import forms\n"}
    assert check(project, layers(), files) == [("clean", "shop.cli.main", "shop.web.forms", 1)]


def test_layers_message_names_both_modules_and_layers(project: Make) -> None:
    p = project(layers(), {**SHOP, "src/shop/domain/order.py": "import shop.services.pricing\n"})
    assert p.model is not None
    (v,) = p.model.violations()
    assert "shop.domain.order (layer shop.domain)" in v.message
    assert "shop.services.pricing (layer shop.services)" in v.message
    assert v.range.col == 7 and v.range.end_col == len("import shop.services.pricing")


def test_layers_indirect_chain_reported_on_first_hop(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": "from shop import utils\n",
        "src/shop/utils.py": "def f():\n    from shop.services import pricing\n",
    }
    p = project(layers(), {**SHOP, **files})
    assert p.model is not None
    (v,) = p.model.violations()
    assert (v.rule, v.importer, v.imported, v.range.line) == (
        "clean",
        "shop.domain.order",
        "shop.utils",
        0,
    )
    assert v.chain == ("shop.domain.order", "shop.utils", "shop.services.pricing")
    assert [r.message for r in v.related] == [
        "shop.domain.order imports shop.utils",
        "shop.utils imports shop.services.pricing",
    ]


def test_layers_indirect_false_reports_direct_only(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": "from shop import utils\n",
        "src/shop/utils.py": "from shop.services import pricing\n",
    }
    assert check(project, layers("indirect = false"), files) == []


def test_layers_chain_through_another_layer_is_reported_where_it_breaks(project: Make) -> None:
    # domain -> services is illegal on its own; services -> web via utils is the chain
    files = {
        "src/shop/services/pricing.py": "import shop.utils\n",
        "src/shop/utils.py": "import shop.web.forms\n",
        "src/shop/domain/order.py": "import shop.services.pricing\n",
    }
    assert check(project, layers(), files) == [
        ("clean", "shop.domain.order", "shop.services.pricing", 1),
        ("clean", "shop.services.pricing", "shop.utils", 1),
    ]


def test_layers_closed(project: Make) -> None:
    files = {"src/shop/web/forms.py": "import shop.domain.order\n"}
    assert check(project, layers(), files) == []
    assert check(project, layers("closed = true"), files) == [
        ("clean", "shop.web.forms", "shop.domain.order", 1)
    ]


def test_layers_ignore_expression(project: Make) -> None:
    files = {"src/shop/domain/order.py": "import shop.web.forms\nimport shop.cli.main\n"}
    result = check(project, layers('ignore = ["shop.domain.** -> shop.web"]'), files)
    assert result == [("clean", "shop.domain.order", "shop.cli.main", 2)]


def test_layers_containers(project: Make) -> None:
    config = """
[project]
roots = ["src"]

[[layers]]
name = "inner"
containers = ["shop.orders", "shop.billing"]
layers = ["api", "core"]
"""
    files = {
        "src/shop/orders/__init__.py": "",
        "src/shop/orders/api.py": "",
        "src/shop/orders/core.py": (
            "from shop.orders import api\nfrom shop.billing import api as b\n"
        ),
        "src/shop/billing/__init__.py": "",
        "src/shop/billing/api.py": "",
        "src/shop/billing/core.py": "from . import api\n",
    }
    assert (
        check(project, config, files)
        == [
            ("inner", "shop.orders.core", "shop.orders.api", 1),
            ("inner", "shop.billing.core", "shop.billing.api", 1),
        ][::-1]
    )


def test_relative_imports_resolve(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": "from ..web import forms\nfrom .. import services\n",
    }
    assert check(project, layers(), files) == [
        ("clean", "shop.domain.order", "shop.web.forms", 1),
        ("clean", "shop.domain.order", "shop.services", 2),
    ]


def test_type_checking_imports_ignored_or_checked(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from shop.web import forms\n"
        )
    }
    assert check(project, layers(), files) == []
    checked = layers().replace(
        'roots = ["src"]', 'roots = ["src"]\ntype-checking-imports = "check"'
    )
    assert check(project, checked, files) == [("clean", "shop.domain.order", "shop.web.forms", 3)]


def test_dynamic_imports_with_literals_count(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": (
            "import importlib\n"
            "m = importlib.import_module('shop.web.forms')\n"
            "n = __import__('shop.cli.main')\n"
            "s = 'import shop.web'  # import shop.web\n"
        )
    }
    assert check(project, layers(), files) == [
        ("clean", "shop.domain.order", "shop.web.forms", 2),
        ("clean", "shop.domain.order", "shop.cli.main", 3),
    ]


FORBIDDEN = """
[project]
roots = ["src"]

[[forbidden]]
name = "pure-domain"
adr = "ADR-0001"
from = ["shop.domain"]
to = ["shop.services", "sqlite3", "sqlalchemy"]
{extra}
"""


def test_forbidden_internal_and_external(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": (
            "import sqlite3\nfrom sqlalchemy.orm import Session\n"
            "import shop.services.pricing\nimport json\n"
        )
    }
    p = project(FORBIDDEN.format(extra=""), {**SHOP, **files}, adrs=ADR1)
    assert not p.problems
    assert p.model is not None
    violations = p.model.violations()
    assert summary(violations) == [
        ("pure-domain", "shop.domain.order", "sqlite3", 1),
        ("pure-domain", "shop.domain.order", "sqlalchemy.orm", 2),
        ("pure-domain", "shop.domain.order", "shop.services.pricing", 3),
    ]
    assert {v.adr for v in violations} == {1}


def test_forbidden_indirect_and_not(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": "import shop.utils\n",
        "src/shop/utils.py": "import sqlite3\n",
    }
    found = check(project, FORBIDDEN.format(extra=""), files)
    assert found == [("pure-domain", "shop.domain.order", "shop.utils", 1)]
    assert check(project, FORBIDDEN.format(extra="indirect = false"), files) == []


def test_layers_chain_leaving_the_container_and_coming_back(project: Make) -> None:
    config = """
[project]
roots = ["src"]

[[layers]]
name = "inner"
containers = ["shop.orders", "shop.billing"]
layers = ["api", "core"]
"""
    files = {
        "src/shop/orders/__init__.py": "",
        "src/shop/orders/api.py": "",
        "src/shop/orders/core.py": "import shop.billing.core\n",
        "src/shop/billing/__init__.py": "",
        "src/shop/billing/api.py": "",
        "src/shop/billing/core.py": "import shop.orders.api\n",
    }
    p = project(config, {**SHOP, **files})
    assert not p.problems
    assert p.model is not None
    [violation] = p.model.violations()
    assert violation.chain == ("shop.orders.core", "shop.billing.core", "shop.orders.api")
    assert "through shop.billing.core" in violation.message


OVERLAP = """
[project]
roots = ["src"]

[[forbidden]]
name = "no-siblings"
from = ["shop.domain"]
to = [{to}]
"""


def test_forbidden_wildcard_target_covering_the_source(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": "import shop.domain\nimport shop.services.pricing\n",
        "src/shop/domain/rules.py": "import shop.utils\nfrom shop.domain import order\n",
        "src/shop/utils.py": "import shop.web.forms\n",
    }
    # the source's own subtree is exempt; its siblings (and what leads to them) are not
    assert check(project, OVERLAP.format(to='"shop.*"'), files) == [
        ("no-siblings", "shop.domain.order", "shop.services.pricing", 2),
        ("no-siblings", "shop.domain.rules", "shop.utils", 1),
    ]


def test_forbidden_target_inside_the_source(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": "import shop.domain.rules\n",
        "src/shop/domain/rules/__init__.py": "from . import inner\n",
        "src/shop/domain/rules/inner.py": "import shop.domain.order\n",
    }
    # a module of the source may not import the target, the target's own modules may
    # import each other; the target may import the rest of the source
    assert check(project, OVERLAP.format(to='"shop.domain.rules"'), files) == [
        ("no-siblings", "shop.domain.order", "shop.domain.rules", 1),
    ]


INDEPENDENT = """
[project]
roots = ["src"]

[[independent]]
name = "contexts"
modules = ["shop.orders", "shop.billing", "shop.catalog"]
"""

CONTEXTS = {
    "src/shop/orders/__init__.py": "",
    "src/shop/orders/models.py": "",
    "src/shop/billing/__init__.py": "",
    "src/shop/billing/models.py": "",
    "src/shop/catalog/__init__.py": "",
}


def test_independent_direct_and_indirect(project: Make) -> None:
    files = {
        **CONTEXTS,
        "src/shop/orders/models.py": "from shop.billing.models import Invoice\nimport shop.utils\n",
        "src/shop/utils.py": "import shop.catalog\n",
    }
    assert check(project, INDEPENDENT, files) == [
        ("contexts", "shop.orders.models", "shop.billing.models", 1),
        ("contexts", "shop.orders.models", "shop.utils", 2),
    ]


def test_independent_wildcard_children(project: Make) -> None:
    config = INDEPENDENT.replace('["shop.orders", "shop.billing", "shop.catalog"]', '["shop.*"]')
    files = {**CONTEXTS, "src/shop/billing/models.py": "import shop.orders.models\n"}
    found = check(project, config, files)
    assert ("contexts", "shop.billing.models", "shop.orders.models", 1) in found


ACYCLIC = """
[project]
roots = ["src"]

[[acyclic]]
name = "no-cycles"
modules = ["shop.*"]
"""


def test_acyclic_reports_each_edge_of_a_package_cycle(project: Make) -> None:
    files = {
        **CONTEXTS,
        "src/shop/orders/models.py": "from shop.billing import models\n",
        "src/shop/billing/models.py": "import shop.orders\n",
    }
    p = project(ACYCLIC, {**SHOP, **files})
    assert p.model is not None
    violations = p.model.violations()
    assert summary(violations) == [
        ("no-cycles", "shop.billing.models", "shop.orders", 1),
        ("no-cycles", "shop.orders.models", "shop.billing.models", 1),
    ]
    assert violations[0].chain == ("shop.billing", "shop.orders", "shop.billing")


def test_acyclic_no_cycle_no_violation(project: Make) -> None:
    files = {**CONTEXTS, "src/shop/orders/models.py": "from shop.billing import models\n"}
    assert check(project, ACYCLIC, files) == []


INTERFACE = """
[project]
roots = ["src"]

[[interface]]
name = "billing-api"
module = "shop.billing"
expose = ["shop.billing", "shop.billing.api"]
"""


def test_interface(project: Make) -> None:
    files = {
        **CONTEXTS,
        "src/shop/billing/api.py": "from shop.billing import models\n",
        "src/shop/billing/ledger.py": "",
        "src/shop/orders/models.py": (
            "from shop.billing import api\nfrom shop.billing import Invoice\n"
            "from shop.billing.ledger import post\nimport shop.billing.models\n"
        ),
    }
    assert check(project, INTERFACE, files) == [
        ("billing-api", "shop.orders.models", "shop.billing.ledger", 3),
        ("billing-api", "shop.orders.models", "shop.billing.models", 4),
    ]


def test_interface_expose_subtree(project: Make) -> None:
    config = INTERFACE.replace('"shop.billing.api"]', '"shop.billing.api.**"]')
    files = {
        **CONTEXTS,
        "src/shop/billing/api/__init__.py": "",
        "src/shop/billing/api/v1.py": "",
        "src/shop/orders/models.py": "import shop.billing.api.v1\nimport shop.billing.models\n",
    }
    assert check(project, config, files) == [
        ("billing-api", "shop.orders.models", "shop.billing.models", 2)
    ]


EXTERNAL = """
[project]
roots = ["src"]

[[external]]
name = "deps"
in = ["shop.domain"]
allow = ["attrs"]
"""


def test_external(project: Make) -> None:
    files = {
        "src/shop/domain/order.py": (
            "import attrs\nimport json\nimport requests.adapters\n"
            "from shop.services import pricing\n"
        ),
    }
    assert check(project, EXTERNAL, files) == [
        ("deps", "shop.domain.order", "requests.adapters", 3)
    ]


def test_from_import_of_several_names_is_one_import(project: Make) -> None:
    files = {"src/shop/domain/order.py": "from shop.web.forms import OrderForm, Field, Other\n"}
    assert check(project, layers(), files) == [("clean", "shop.domain.order", "shop.web.forms", 1)]
