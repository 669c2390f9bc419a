"""Refreshes ``epci-38.json``: the intercommunalities (EPCI à fiscalité propre) of a département,
with their communes and populations, from Etalab's official administrative division data (the
``@etalab/decoupage-administratif`` package of the npm registry: INSEE's Code officiel
géographique, the DGCL's list of EPCI, INSEE's legal populations).

    python -m network_space.reports.data.refresh_epci                 # latest version, Isère
    python -m network_space.reports.data.refresh_epci --version 6.0.0 --departement 38

Needs ``npm`` on the machine that refreshes (a developer's), never on the site: the package is
installed into a temporary folder, read and thrown away, and only the extract is kept in the
repository. The site reads the JSON file and downloads nothing.

Populations are the communes' *population municipale* (INSEE's reference for comparisons, no
double count). An EPCI straddling two départements (Vienne Condrieu, Cœur de Chartreuse) keeps
only its communes of the département; its population in the département is theirs, and its
whole population is recorded beside it.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
DATA_FILE = Path(__file__).resolve().parent / "epci-38.json"


def extract(epcis: list[dict], communes: list[dict], departement: str, *, version: str, integrity: str,
            extracted_on: date) -> dict:
    """The département's EPCIs from the package's ``epci.json`` and ``communes.json``."""
    in_departement = {c["code"] for c in communes
                      if c.get("type") == "commune-actuelle" and c.get("departement") == departement}
    result = []
    for epci in epcis:
        members = [m for m in epci["membres"] if m["code"] in in_departement]
        if not members:
            continue
        result.append({
            "siren": epci["code"],
            "name": epci["nom"],
            "kind": epci["type"],
            "population": sum(m["populationMunicipale"] for m in members),
            "population_all": epci["populationMunicipale"],
            "communes_elsewhere": len(epci["membres"]) - len(members),
            "communes": [{"insee": m["code"], "name": m["nom"], "population": m["populationMunicipale"]}
                         for m in sorted(members, key=lambda m: m["code"])],
        })
    result.sort(key=lambda e: e["siren"])
    return {
        "source": f"npm {PACKAGE}",
        "package_version": version,
        "package_integrity": integrity,
        "extracted_on": extracted_on.isoformat(),
        "departement": departement,
        "population_field": "populationMunicipale",
        "population": sum(e["population"] for e in result),
        "epcis": result,
    }


def download(version: str) -> tuple[list[dict], list[dict], str, str]:
    """The package's EPCI and commune lists, its exact version and its integrity hash."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm est introuvable : installez Node.js (paquet Debian « npm »).")
    with tempfile.TemporaryDirectory(prefix="decoupage-") as folder:
        subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts",
                        "--prefix", folder, f"{PACKAGE}@{version}"], check=True, stdout=subprocess.DEVNULL)
        root = Path(folder) / "node_modules" / PACKAGE
        lock = json.loads((Path(folder) / "node_modules" / ".package-lock.json").read_text("utf-8"))
        entry = lock["packages"][f"node_modules/{PACKAGE}"]
        epcis = json.loads((root / "data" / "epci.json").read_text("utf-8"))
        communes = json.loads((root / "data" / "communes.json").read_text("utf-8"))
        return epcis, communes, entry["version"], entry.get("integrity", "")


def dumps(data: dict) -> str:
    """The extract as JSON, one commune a line (a refresh reads as a short diff)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return re.sub(r'\{\n\s+("insee": "\w+"),\n\s+("name": "(?:[^"\\]|\\.)*"),\n\s+("population": \d+)\n\s+\}',
                  r"{\1, \2, \3}", text) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="latest", help="version du paquet npm (défaut : la dernière)")
    parser.add_argument("--departement", default="38", help="code du département (défaut : 38, Isère)")
    parser.add_argument("--output", type=Path, default=DATA_FILE, help=f"fichier écrit (défaut : {DATA_FILE.name})")
    args = parser.parse_args(argv)
    epcis, communes, version, integrity = download(args.version)
    data = extract(epcis, communes, args.departement, version=version, integrity=integrity,
                   extracted_on=date.today())
    if not data["epcis"]:
        raise SystemExit(f"Aucun EPCI pour le département {args.departement!r} : fichier inchangé.")
    args.output.write_text(dumps(data), "utf-8")
    print(f"{len(data['epcis'])} EPCI, {sum(len(e['communes']) for e in data['epcis'])} communes, "
          f"{data['population']} habitants ({PACKAGE} {version}) → {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
