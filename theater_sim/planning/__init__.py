"""Many days: tasks, execution (local, processes, Dask), store, replications, sweeps, least staffing."""
