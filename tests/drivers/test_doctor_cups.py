"""``kioskctl doctor``'s CUPS check against a throwaway scheduler: a queue that
accepts jobs passes, a stopped one fails, a scheduler that is not there fails."""

from kioskctl import doctor
from support import free_port


def a4_site(tmp_path, queue: str, port: int) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'config_version = 1\n[a4]\ndriver = "cups"\nqueue = "{queue}"\nhost = "127.0.0.1"\nport = {port}\n'
    )
    return str(path)


def cups_check(files: str) -> doctor.Result:
    (_, result) = doctor.run([files], only=["a4"])
    return result


def test_a_queue_accepting_jobs_passes_and_a_stopped_one_fails(tmp_path, cups_server):
    queue, _ = cups_server.add_queue()
    files = a4_site(tmp_path, queue, cups_server.port)
    result = cups_check(files)
    assert result.ok, result.line()
    assert result.detail == f"{queue} sur 127.0.0.1:{cups_server.port} : accepte les travaux"
    cups_server.disable(queue)
    result = cups_check(files)
    assert not result.ok and result.severity == doctor.WARNING
    assert result.detail.endswith("arrêtée ou n'accepte pas les travaux")
    assert result.fix == f"`cupsenable {queue}` puis `cupsaccept {queue}`"


def test_no_scheduler_fails(tmp_path):
    result = cups_check(a4_site(tmp_path, "A4", free_port()))
    assert not result.ok and "injoignable" in result.detail and "lpstat -t" in result.fix
