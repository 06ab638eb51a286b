"""The reports stage's work spread over processes (reports.parallel)."""

import os

from reports.parallel import MIN_JOBS, spread


def _square(x: int) -> int:
    return x * x


def _square_unless_three(x: int) -> int:
    if x == 3:
        os._exit(1)  # as a PDF that crashes the PDF library takes its process down
    return x * x


def test_jobs_come_back_in_order():
    jobs = list(range(3 * MIN_JOBS))
    assert spread(_square, jobs, failed=lambda job: None) == [x * x for x in jobs]


def test_a_process_that_dies_costs_its_jobs_not_the_run():
    jobs = list(range(2 * MIN_JOBS))
    out = spread(_square_unless_three, jobs, failed=lambda job: -1)
    assert len(out) == len(jobs) and out[3] == -1
    assert all(v in (x * x, -1) for x, v in zip(jobs, out))


def _pid(_job: int) -> int:
    return os.getpid()


def test_few_jobs_are_done_here_and_many_elsewhere():
    assert set(spread(_pid, list(range(MIN_JOBS - 1)), failed=lambda job: None)) == {os.getpid()}
    assert os.getpid() not in spread(_pid, list(range(MIN_JOBS)), failed=lambda job: None)
