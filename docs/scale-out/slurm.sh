#!/bin/bash
# Slurm job array running one shard of a seamfire pipeline per task.
# Submit: sbatch --array=0-7 docs/scale-out/slurm.sh pipelines/survey.toml
# Then:   sbatch --dependency=afterany:<array job id> --wrap "seamfire merge <output root>"
#SBATCH --job-name=seamfire
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=seamfire-%A_%a.log
set -euo pipefail
PIPELINE=${1:?usage: sbatch --array=0-N docs/scale-out/slurm.sh PIPELINE.toml}
N=${SLURM_ARRAY_TASK_COUNT:?run as an array job (sbatch --array=0-N)}
exec seamfire --log-format json run "$PIPELINE" --shard "${SLURM_ARRAY_TASK_ID}/${N}" --jobs "${SLURM_CPUS_PER_TASK:-1}"
