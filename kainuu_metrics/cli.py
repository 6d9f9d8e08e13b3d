"""Command line: `kainuu-metrics run | validate | verify | fetch-population | template` (messages in Finnish)."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from kainuu_metrics import __version__
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.paths import Layout
from kainuu_metrics.settings import CONFIG_ENV_VAR, load_settings, resolve_config_dir


# argparse's own words, in Finnish: everything a user reads is Finnish, help and errors too.
ARGPARSE_FINNISH = {
    "usage: ": "käyttö: ",
    "positional arguments": "argumentit",
    "options": "valinnat",
    "show this help message and exit": "näytä tämä ohje ja lopeta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: virhe: %(message)s\n",
    "the following arguments are required: %s": "seuraavat tiedot puuttuvat: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "tuntematon valinta %(value)r (vaihtoehdot: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "tuntemattomia valintoja: %s",
    "invalid %(type)s value: %(value)r": "virheellinen arvo %(value)r",
    "expected one argument": "anna yksi arvo",
    "expected at least one argument": "anna vähintään yksi arvo",
    "expected at most one argument": "anna enintään yksi arvo",
    "ambiguous option: %(option)s could match %(matches)s": "monitulkintainen valinta %(option)s: %(matches)s",
    "one of the arguments %s is required": "jokin näistä tarvitaan: %s",
    "not allowed with argument %s": "ei voi käyttää yhdessä valinnan %s kanssa",
}


def build_parser() -> argparse.ArgumentParser:
    # Only the command line process runs this: argparse's message function is module-wide.
    argparse._ = lambda text: ARGPARSE_FINNISH.get(text, text)  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="kainuu-metrics",
        description="Hyvinvointialueen järjestöyhteistyön seuranta: aineistojen siivous, "
        "laaduntarkistus, tunnusluvut ja HTML-raportit.",
    )
    parser.add_argument("--version", action="version", version=f"kainuu-metrics {__version__}", help="näytä ohjelman versio ja lopeta")
    parser.add_argument("--debug", action="store_true", help="näytä odottamattomien virheiden tekninen jäljitys")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMENTO")

    def folders(sub: argparse.ArgumentParser, reports: bool = True, data: bool = True) -> None:
        sub.add_argument("--config", type=Path, default=None, metavar="KANSIO",
                         help=f"asetuskansio (oletus: ympäristömuuttuja {CONFIG_ENV_VAR} tai config)")
        if data:
            sub.add_argument("--data", type=Path, default=Path("data"), metavar="KANSIO", help="aineistokansio (oletus: data)")
        if reports:
            sub.add_argument("--reports", type=Path, default=Path("reports"), metavar="KANSIO", help="raporttikansio (oletus: reports)")

    run = commands.add_parser("run", help="koko vuosiajo: siivous, tarkistukset, tunnusluvut ja raportit")
    run.add_argument("--year", type=int, nargs="+", action="extend", metavar="VUOSI",
                     help="raportoitavat vuodet (esim. --year 2024 2025); oletus: kaikki vuodet, joilta on avustusaineistoa")
    run.add_argument("--uusi-avain", action="store_true",
                     help="ota käyttöön uusi pseudonyymiavain (vaihdettu tai kadonnut avain); vaihto kirjataan ja kerrotaan raportissa")
    folders(run)
    validate = commands.add_parser("validate", help="vain siivous ja laaduntarkistus")
    folders(validate)
    verify = commands.add_parser("verify", help="tarkista, onko aineisto tai tuotos muuttunut ajon jälkeen (SHA-256)")
    verify.add_argument("run_id", nargs="?", default=None, metavar="AJO",
                        help="ajon tunnus (tai sen alku), esim. 20261201T224500Z-3f2a; oletus: viimeisin ajo")
    folders(verify)
    fetch = commands.add_parser("fetch-population", help="hae väestötiedot Tilastokeskuksen rajapinnasta")
    folders(fetch, reports=False)
    template = commands.add_parser("template", help="kirjoita tyhjä lomakepohja täytettäväksi")
    template.add_argument("kind", choices=["tuokio"], metavar="LOMAKE", help="lomake: tuokio (Yhteistyö-Tuokio-arviointi)")
    template.add_argument("out", type=Path, metavar="TIEDOSTO.xlsx", help="kirjoitettava tiedosto")
    template.add_argument("--kpl", type=_count, default=1, metavar="N",
                          help="kirjoita N lomaketta (TIEDOSTO_01.xlsx, TIEDOSTO_02.xlsx, ...), jokaiselle vastaajalle oma; oletus 1")
    template.add_argument("--paikallinen", type=_local_name, default=None, metavar="NIMI",
                          help="lomake paikalliseen arviointiin NIMI (esim. kunnan tai palvelualueen nimi); sen tulokset "
                               "raportoidaan erikseen eivätkä ne ole mukana hyvinvointialueen vuosittaisissa tunnusluvuissa. "
                               "Ilman valitsinta lomake on koko hyvinvointialueen vuosiarviointiin")
    folders(template, reports=False, data=False)
    publish = commands.add_parser("publish", help="julkaise vuoden raportit: jäädytä sivut, PDF, tunnusluvut ja laatusivu arkistoon")
    publish.add_argument("--year", type=int, required=True, metavar="VUOSI", help="julkaistava vuosi (esim. --year 2023)")
    publish.add_argument("--replace", action="store_true",
                         help="korvaa jo julkaistu vuosi: sivut ajetaan uudelleen nykyisistä tiedoista, vanha julkaisu säilyy arkistossa")
    publish.add_argument("--syy", default=None, metavar="TEKSTI", help="korvaamisen syy (pakollinen valitsimen --replace kanssa); näkyy raporttien etusivulla")
    folders(publish)
    return parser


def _count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' ei ole kokonaisluku") from None
    if not 1 <= count <= 500:
        raise argparse.ArgumentTypeError(f"lomakkeita voi kirjoittaa kerralla 1–500, ei {count}")
    return count


def _local_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise argparse.ArgumentTypeError("paikallisen arvioinnin nimi puuttuu")
    return name


def _run(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    from kainuu_metrics.runs.manifest import RunRecorder, run_parameters
    from kainuu_metrics.runs.reuse import rerun_unchanged

    layout = Layout(args.data.resolve(), args.reports.resolve())
    config_dir = resolve_config_dir(args.config)
    years = getattr(args, "year", None)
    publish = args.command == "run"
    parameters = {**run_parameters(layout, config_dir, years, publish), "data": args.data.as_posix(), "reports": args.reports.as_posix(),
                  "config": args.config.as_posix() if args.config else None}
    recorder = RunRecorder(layout.data, layout.reports, argv=sys.argv[1:] if argv is None else argv, parameters=parameters,
                           config_dir=config_dir)
    # Before the configuration is validated: an unchanged configuration passed when the last run read it.
    if not getattr(args, "uusi_avain", False) and rerun_unchanged(layout, recorder, config_dir):  # no pandas, kernels or checker
        print(f"Ajon tiedot: {layout.relative_to_data(recorder.path)} (ajo {recorder.run_id})")
        return 0
    from kainuu_metrics.pipeline import run

    settings = load_settings(config_dir)
    result = run(layout, settings, years, publish=publish, recorder=recorder,
                 new_key=getattr(args, "uusi_avain", False))
    for message in result.messages:
        if message:
            print(message, file=sys.stderr if result.exit_code else sys.stdout)
    if result.index is not None:
        print(f"Valmis. Raporttien etusivu: {result.index.resolve()}")
    elif result.exit_code == 0:
        print("Valmis. Tiedot on siivottu ja tarkistettu.")
    if recorder.path is not None:
        print(f"Ajon tiedot: {layout.relative_to_data(recorder.path)} (ajo {recorder.run_id})")
    return result.exit_code


def _verify(args: argparse.Namespace) -> int:
    """0 when nothing changed since the run, 1 when something did, 2 when there is no such run."""
    from kainuu_metrics.runs.manifest import find_manifest, verify

    manifest = find_manifest(args.data / "processed", args.run_id)
    if manifest is None:
        which = f"ajoa {args.run_id}" if args.run_id else "yhtään ajoa"
        print(f"VIRHE\nKansiossa {args.data.as_posix()}/processed/runs/ ei ole {which}.\n"
              "Korjaus: aja ensin 'kainuu-metrics run' tai anna olemassa olevan ajon tunnus.", file=sys.stderr)
        return 2
    config_dir = load_settings(args.config).config_dir
    changes = verify(manifest, args.data, args.reports, config_dir)
    if not changes:
        print(f"Ei muutoksia ajon {manifest['run_id']} jälkeen: aineisto, asetukset ja tuotokset ovat ennallaan (SHA-256).")
        return 0
    print(f"Ajon {manifest['run_id']} jälkeen muuttunut {len(changes)} tiedostoa:")
    for line in changes:
        print(f"  {line}")
    return 1


def _fetch(args: argparse.Namespace) -> int:
    from kainuu_metrics.datasets.population.pxweb import fetch_population

    path = fetch_population(Layout(args.data, Path("reports")).raw, load_settings(args.config).domain)
    print(f"Väestötiedot tallennettu: {path}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from kainuu_metrics.datasets.tuokio.template import write_blank_forms

    written = write_blank_forms(args.out, load_settings(args.config), count=args.kpl, local_name=args.paikallinen)
    scope = f"paikalliseen arviointiin '{args.paikallinen}'" if args.paikallinen else "koko hyvinvointialueen vuosiarviointiin"
    print(f"Lomakepohja kirjoitettu ({scope}): {written[0]}" if len(written) == 1
          else f"{len(written)} lomaketta kirjoitettu ({scope}): {written[0]} ... {written[-1]}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from kainuu_metrics import publication
    from kainuu_metrics.formatting import timestamp
    from kainuu_metrics.pipeline import run

    if args.replace and not (args.syy or "").strip():
        print("JULKAISUA EI TEHTY\nKorvaavalle julkaisulle pitää antaa syy: --syy \"korjauksen syy\".", file=sys.stderr)
        return 2
    if args.syy and not args.replace:
        print("JULKAISUA EI TEHTY\nSyy (--syy) annetaan vain korvattaessa julkaisu (--replace).", file=sys.stderr)
        return 2
    layout = Layout(args.data.resolve(), args.reports.resolve())
    settings = load_settings(args.config)
    try:
        if args.replace:
            def rebuild() -> int:
                result = run(layout, settings, [args.year])
                for message in result.messages:
                    if message:
                        print(message, file=sys.stderr if result.exit_code else sys.stdout)
                return result.exit_code

            done = publication.republish(layout, args.year, args.syy, rebuild)
        else:
            publication.check_publishable(layout, args.year, replace=False)
            done = publication.freeze(layout, args.year)
    except publication.PublicationError as error:
        print(f"JULKAISUA EI TEHTY\n{error}", file=sys.stderr)
        return 2
    publication.refresh_index(layout, settings)
    archive = f"{args.reports.name}/{publication.ARCHIVE}/{args.year}/{done.id}/"
    print(f"Vuosi {args.year} julkaistu {timestamp(done.published_at)}" + (f" (korvaa aiemman julkaisun; syy: {done.reason})" if done.reason else "")
          + f". Julkaistu versio: {args.reports.name}/{args.year}/, arkisto: {archive}")
    print("Myöhemmät ajot eivät kirjoita vuoden sivuja uudelleen; jos uudet tiedot muuttavat sen lukuja, ajo kertoo sen ja kirjoittaa vertailun.")
    return 0


def main(argv: list[str] | None = None) -> int:
    from kainuu_metrics.startup import prefer_jemalloc_for_arrow, skip_unused_slow_imports

    skip_unused_slow_imports()
    prefer_jemalloc_for_arrow()
    args = build_parser().parse_args(argv)
    from kainuu_metrics.runs.faults import StorageError
    from kainuu_metrics.runs.lock import RunLocked

    handlers = {"fetch-population": _fetch, "template": _template, "verify": _verify, "publish": _publish,
                "run": lambda a: _run(a, argv), "validate": lambda a: _run(a, argv)}
    # What the user can put right: a Finnish heading, the Finnish message and exit status 2.
    fixable = ((RunLocked, "AJO ESTETTY"), (StorageError, "VIRHE TALLENNUKSESSA"), (InputFileError, "VIRHE AINEISTOSSA"),
               (ConfigError, "VIRHE ASETUKSISSA"))
    try:
        return handlers[args.command](args)
    except tuple(kind for kind, _ in fixable) as error:
        heading = next(heading for kind, heading in fixable if isinstance(error, kind))
        print(f"{heading}\n{getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Keskeytetty.", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, not bad input: say so plainly, trace only on request
        from kainuu_metrics.datasets.population.pxweb import FetchError

        if isinstance(error, FetchError):
            print(f"VIRHE\n{error}", file=sys.stderr)
            return 2
        if args.debug:
            traceback.print_exc()
        print(
            f"ODOTTAMATON VIRHE: {type(error).__name__}: {error}\n"
            "Tämä on todennäköisesti ohjelmavirhe eikä aineiston vika. Aja komento uudelleen "
            "valitsimella --debug (kainuu-metrics --debug run) ja toimita tuloste ylläpidolle.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
