"""What notifications does about other modules' events, run by reaction tasks in the worker (tasks.py):
each loads the current state from ids, builds the messages and calls dispatch.notify with a source,
so a rerun notifies nobody twice."""
